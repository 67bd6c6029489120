"""The KPI definitions as plain SQL over the registries (docs/statistics.md), for tests.

Works on SQLite and PostgreSQL. ``prefix`` is a region's scope prefix; dates are ISO strings.
"""

from django.db import connection

from bangfu.labor.models import ASSISTED_CATEGORIES

ACTIVE = """
    WITH last_change AS (
        SELECT sc.workshop_id, sc.to_status,
               ROW_NUMBER() OVER (
                   PARTITION BY sc.workshop_id ORDER BY sc."on" DESC, sc.at DESC, sc.id DESC
               ) AS n
        FROM workshops_statuschange sc WHERE sc."on" <= %(end)s
    ), active AS (
        SELECT w.id FROM workshops_workshop w
        JOIN last_change lc ON lc.workshop_id = w.id AND lc.n = 1
        WHERE lc.to_status IN ('recognized', 'watch') AND w.region_id LIKE %(like)s
    )
"""

QUERIES = {
    "workshops": ACTIVE + "SELECT COUNT(*) FROM active",
    "laborers_employed": ACTIVE
    + """
        SELECT COUNT(DISTINCT e.laborer_id) FROM labor_employment e
        JOIN labor_laborer l ON l.id = e.laborer_id JOIN labor_household h ON h.id = l.household_id
        WHERE e.workshop_id IN (SELECT id FROM active) AND h.category IN %(assisted)s
          AND e.start_date <= %(end)s AND (e.end_date IS NULL OR e.end_date >= %(start)s)""",
    "laborers_on_payroll": ACTIVE
    + """
        SELECT COUNT(DISTINCT e.laborer_id) FROM labor_employment e
        JOIN labor_laborer l ON l.id = e.laborer_id JOIN labor_household h ON h.id = l.household_id
        WHERE e.workshop_id IN (SELECT id FROM active) AND h.category IN %(assisted)s
          AND e.start_date <= %(end)s AND (e.end_date IS NULL OR e.end_date >= %(end)s)""",
    "positions": ACTIVE
    + """
        SELECT COALESCE(SUM(p.headcount), 0) FROM workshops_position p
        WHERE p.workshop_id IN (SELECT id FROM active)
          AND p.posted_on <= %(end)s AND (p.closed_on IS NULL OR p.closed_on >= %(start)s)""",
}


def figure(name, prefix, start, end):
    params = {
        "like": prefix + "%",
        "start": str(start),
        "end": str(end),
        "assisted": tuple(ASSISTED_CATEGORIES),
    }
    sql = QUERIES[name]
    with connection.cursor() as cursor:
        # expand the IN list portably
        sql = sql.replace(
            "%(assisted)s", "(" + ", ".join(f"'{c}'" for c in params.pop("assisted")) + ")"
        )
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
