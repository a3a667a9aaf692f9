from sifa.cli import main

main()
