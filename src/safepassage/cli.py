"""The `safepassage` command: Django's management commands and ours, under one name.

Our commands are written with hyphens (`safepassage demo-data`); Django modules use underscores.
"""

import os
import sys
from importlib.metadata import version

# Command names that are Python keywords or clash with Django's own get a module name of their own.
ALIASES = {"import": "import_file"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if argv[1:2] in (["--version"], ["-V"]):
        # Django's own --version would print Django's: an operator asks which SafePassage runs.
        print(f"safepassage {version('safepassage')}")
        return
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = ALIASES.get(argv[1], argv[1].replace("-", "_"))
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
