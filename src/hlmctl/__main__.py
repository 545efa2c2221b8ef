from hlmctl.cli import main

main()
