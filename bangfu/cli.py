"""The ``bangfu`` console command: Django's management commands under the project's name.

``bangfu run`` serves the platform, ``bangfu setup`` prepares the database,
``bangfu import_regions FILE`` loads a county's region file; ``bangfu help`` lists the rest.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangfu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bangfu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
