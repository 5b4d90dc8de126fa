"""How a build runs: the stages in order for an issue and a series, on one process or many,
and what is kept between builds."""
