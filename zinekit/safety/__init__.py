"""What a build checks in a project it did not write: bounded expansions, signed records,
names that stay names."""
