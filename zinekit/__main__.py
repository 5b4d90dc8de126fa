from zinekit.cli import main

main()
