"""`python -m estra.cli`: runs estra.cli.command."""

from estra.cli.command import main

raise SystemExit(main())
