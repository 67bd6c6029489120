"""Writes to the region tree: file import and single edits share one validation."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CHILD_LEVEL, LEVEL_DIGITS, Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = ("code", "name", "level", "parent_code", "aliases", "synthetic", "note")
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
TRUE_VALUES = {"1", "true", "yes", "y", "是"}
# Where the last significant group of a code starts, by number of significant digits.
GROUP_START = {2: 0, 4: 2, 6: 4, 9: 6, 12: 9}


def check_code(code, level):
    """Errors (as text) for a code that is not a well-formed code of ``level``."""
    if len(code) != 12 or not code.isdigit():
        return [_("The code must be exactly 12 digits, got “%(code)s”.") % {"code": code}]
    if level not in LEVEL_DIGITS:
        return [_("Unknown level “%(level)s”.") % {"level": level}]
    digits = LEVEL_DIGITS[level]
    group = code[GROUP_START[digits] : digits]
    if (digits < 12 and set(code[digits:]) != {"0"}) or set(group) == {"0"}:
        return [
            _(
                "Code %(code)s does not have the shape of a %(level)s code "
                "(%(digits)s significant digits, the last group not all zero)."
            )
            % {"code": code, "level": Level(level).label, "digits": digits}
        ]
    return []


def check_parent(code, level, parent):
    """Errors for a parent that cannot hold a region of this code and level; without a
    parent, for a code that lies within a region already registered (it would sit outside
    the tree, yet inside that region's scope)."""
    if parent is None:
        above = Region.objects.filter(
            code__in={code[:digits].ljust(12, "0") for digits in (2, 4, 6, 9)} - {code}
        )
        if outer := max(above, key=lambda region: LEVEL_DIGITS[region.level], default=None):
            return [
                _("Code %(code)s lies within %(region)s: choose its parent.")
                % {"code": code, "region": outer}
            ]
        return []
    errors = []
    if CHILD_LEVEL.get(parent.level) != level:
        errors.append(
            _("A %(level)s cannot sit under the %(parent_level)s %(parent)s.")
            % {
                "level": Level(level).label,
                "parent_level": Level(parent.level).label,
                "parent": parent,
            }
        )
    if not parent.contains(code):
        errors.append(
            _("Code %(code)s does not start with the prefix %(prefix)s of its parent %(parent)s.")
            % {"code": code, "prefix": parent.scope_prefix, "parent": parent}
        )
    return errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # (row number, message)

    @property
    def ok(self):
        return not self.errors


def read_region_csv(text):
    """Parse CSV text into row dicts; raise ValidationError on a wrong header."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            _("The region file lacks the column(s) %(columns)s; expected %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@transaction.atomic
def import_regions(rows, *, synthetic=None):
    """Upsert a region file (all or nothing); parents may come from the file or the database.

    Rows are processed from the top of the tree down, so a file may list them in any order.
    Only the file's top level may name a parent that is not loaded (a county file names its
    city, which usually is not): such a region becomes a root. Below that a parent must exist.
    """
    result = ImportResult()
    depth = lambda row: LEVEL_DIGITS.get(row.get("level"), 99)  # noqa: E731
    numbered = sorted(enumerate(rows, start=2), key=lambda item: depth(item[1]))
    top = min((depth(row) for row in rows), default=0)
    existing = Region.objects.in_bulk(
        [r.get("code", "") for r in rows] + [r.get("parent_code", "") for r in rows]
    )
    seen = set()
    for line, row in numbered:
        code, level = row.get("code", ""), row.get("level", "")
        errors = check_code(code, level)
        if not row.get("name"):
            errors.append(_("The name is empty."))
        if code in seen:
            errors.append(_("Code %(code)s appears twice in the file.") % {"code": code})
        seen.add(code)
        parent = existing.get(row.get("parent_code", ""))
        if parent is None and depth(row) != top:
            errors.append(
                _("The parent %(parent)s is neither in the file nor in the database.")
                % {"parent": row.get("parent_code") or "—"}
            )
        if not errors:
            errors += check_parent(code, level, parent)
        if errors:
            result.errors += [(line, e) for e in errors]
            continue
        values = {
            "name": row["name"],
            "level": level,
            "parent": parent,
            "aliases": row.get("aliases", ""),
            "synthetic": synthetic
            if synthetic is not None
            else row.get("synthetic", "").lower() in TRUE_VALUES,
            "note": row.get("note", ""),
        }
        region = existing.get(code)
        if region is None:
            existing[code] = Region.objects.create(code=code, **values)
            result.created += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(region, k, v)
            region.save()
            result.updated += 1
        else:
            result.unchanged += 1
    if result.errors:
        transaction.set_rollback(True)
        result.created = result.updated = result.unchanged = 0
    return result


def load_bundled(name):
    """Import a region file shipped in ``regions/data`` (e.g. ``heshan_regions.csv``)."""
    return import_regions(read_region_csv((DATA_DIR / name).read_text(encoding="utf-8")))


@transaction.atomic
def create_region(user, *, code, name, level, parent, aliases="", synthetic=False, note=""):
    """Add one region below ``parent`` (which must be inside the user's scope)."""
    if not user.has_perm("regions.add_region"):
        raise PermissionDenied(_("You do not have permission to add regions."))
    if parent is None and not user.is_superuser:
        raise PermissionDenied(_("Only a superuser can add a top-level region."))
    if (
        parent is not None
        and not Region.objects.restrict(user, "view").filter(code=parent.code).exists()
    ):
        raise PermissionDenied(_("You can only add regions inside your own data scope."))
    errors = check_code(code, level) or check_parent(code, level, parent)
    if Region.objects.filter(code=code).exists():
        errors.append(_("A region with code %(code)s already exists.") % {"code": code})
    if errors:
        raise ValidationError({"code": errors})
    return Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        aliases=aliases,
        synthetic=synthetic,
        note=note,
    )


@transaction.atomic
def update_region(user, region, *, name, aliases, synthetic, note):
    """Rename or annotate a region; code, level and parent are fixed once created."""
    if not Region.objects.restrict(user, "change").filter(code=region.code).exists():
        raise PermissionDenied(_("You cannot change this region."))
    region.name, region.aliases, region.synthetic, region.note = name, aliases, synthetic, note
    region.full_clean()
    region.save()
    return region
