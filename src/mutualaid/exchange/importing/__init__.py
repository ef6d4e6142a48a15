"""Importing needs and offers from the spreadsheets groups already keep (Google Forms, Sheets, Airtable).

Three steps, the same on the web and in `mutualaid import`:
1. `propose_mapping` says which column feeds which field, from header aliases in English and Spanish
   and fuzzy matching, so other groups' sheets work without configuration;
2. `plan_import` turns every row into what will be created, with each row's problems and its line number;
3. `import_commit` writes the whole plan in one transaction, or nothing when any row has a problem.

People imported without an account become `Contact`s held privately by the group (encrypted).

The modules, in the order a file goes through them: `reading` (the file as a sheet), `columns` (which
field each column feeds), `cells` and `dates` (what one cell says), `rows` (one row's plan), `plan` (the
whole sheet's plan), `commit` (writing it).
"""

from mutualaid.exchange.importing.columns import infer_kind, propose_mapping
from mutualaid.exchange.importing.commit import ImportFlood, import_commit
from mutualaid.exchange.importing.plan import ImportPlan, plan_import
from mutualaid.exchange.importing.reading import read
from mutualaid.exchange.importing.rows import RowPlan

__all__ = [
    "ImportFlood",
    "ImportPlan",
    "RowPlan",
    "import_commit",
    "infer_kind",
    "plan_import",
    "propose_mapping",
    "read",
]
