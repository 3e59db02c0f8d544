"""Two SQL expressions the snapshot needs, written once for SQLite and once for PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement


class mois_de(FunctionElement[str]):
    """``AAAA-MM`` of a date or timestamp column."""

    type = String()
    inherit_cache = True
    name = "mois_de"


class jours_entre(FunctionElement[int]):
    """Whole days from the second date (or timestamp's day) to the first."""

    type = Integer()
    inherit_cache = True
    name = "jours_entre"


@compiles(mois_de, "postgresql")
def _mois_postgres(element: mois_de, compiler: SQLCompiler, **kw: Any) -> str:
    (colonne,) = element.clauses
    return f"to_char({compiler.process(colonne, **kw)}, 'YYYY-MM')"


@compiles(mois_de)
def _mois_sqlite(element: mois_de, compiler: SQLCompiler, **kw: Any) -> str:
    (colonne,) = element.clauses
    return f"strftime('%Y-%m', {compiler.process(colonne, **kw)})"


@compiles(jours_entre, "postgresql")
def _jours_postgres(element: jours_entre, compiler: SQLCompiler, **kw: Any) -> str:
    fin, debut = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({fin} AS DATE) - CAST({debut} AS DATE))"


@compiles(jours_entre)
def _jours_sqlite(element: jours_entre, compiler: SQLCompiler, **kw: Any) -> str:
    fin, debut = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday(date({fin})) - julianday(date({debut})) AS INTEGER)"


__all__ = ["jours_entre", "mois_de"]
