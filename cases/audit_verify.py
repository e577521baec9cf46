"""Checking the audit log: every chain's links and hashes, and every head against its seal.

A chain is checked from its first entry to its last, then the last entry is compared with
the head written on the case row (or in ``audit_heads`` for the system chain) and the head's
seal is recomputed with the audit key. What each problem means::

    entry_missing     a sequence number is skipped: an entry inside the chain was removed
    link_broken       an entry's prev_hash is not its predecessor's hash
    entry_altered     an entry's content does not match its own hash
    tail_missing      the head is further on than the last entry: the tail was cut
    chain_missing     the head records entries, none is left
    unsealed_entries  entries past the sealed head: written behind Berkas's back
    state_unrecorded  the case's state is not the one its chain last recorded
    chain_rewritten   the last entry is not the one the head records: the chain was re-hashed
    seal_invalid      the head's seal does not hold: the head was forged, or another key
    orphan_entries    entries of a case that does not exist
    head_missing      the system chain's head row is gone

Every broken chain is named (its case's reference), not only the first.

Case chains are first walked on the driver's raw rows, each entry's canonical JSON built from
a fixed template (:func:`_fast_walks`, many times cheaper than a dict through ``json.dumps``);
a chain the template does not reproduce to the last entry is walked again by the exact path
(:func:`walk_chain`, the writer's own :func:`~cases.audit.chain_hash`), which alone judges it.
"""

from __future__ import annotations

import hmac
import json
import typing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from json.encoder import encode_basestring as quote  # json.dumps's own, ensure_ascii=False
from typing import Any

from sqlalchemy import Connection, Select, Text, bindparam, cast, func, select
from sqlmodel import Session

from cases import system_audit
from cases.audit import GENESIS, HASHED_FIELDS, case_chain, chain_hash, seal
from cases.models import AuditEntry, AuditHead, Case, SystemAuditEntry
from infra.db import make_engine, table_of

MAX_PROBLEMS = 100
Progress = Callable[[int, int], None]

_CASES, _ENTRIES = table_of(Case), table_of(AuditEntry)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    case_id: int | None = None
    reference: str | None = None
    seq: int | None = None
    entry_id: int | None = None


@dataclass(slots=True)
class VerifyResult:
    entries: int = 0  # of case chains
    cases: int = 0
    system_entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def merge(self, other: VerifyResult) -> None:
        self.entries += other.entries
        self.cases += other.cases
        self.system_entries += other.system_entries
        for problem in other.problems:
            self.add(problem)
        self.problem_count += other.problem_count - len(other.problems)

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


@dataclass(frozen=True, slots=True)
class _Head:
    case_id: int
    reference: str | None
    seq: int
    digest: str
    seal: str
    state: str


@dataclass(slots=True)
class _Walk:
    """What walking one chain's entries found."""

    last_seq: int = 0
    last_hash: str = GENESIS
    last_state: str | None = None  # the state the newest entry that moved the case left it in
    count: int = 0
    broken: Problem | None = None


def walk_chain(rows: Iterable[Any], fields_of: tuple[str, ...]) -> _Walk:
    """Check links and hashes of one chain's rows ``(id, prev_hash, *fields, hash)`` in
    sequence order; stop at the first entry that does not hold."""
    walk = _Walk()
    for entry_id, prev_hash, *values, stored in rows:
        fields = dict(zip(fields_of, values, strict=True))
        seq = fields["seq"]
        code = _entry_problem(fields, prev_hash, stored, walk.last_hash, walk.last_seq + 1)
        if code:
            walk.broken = Problem(code, _MESSAGES[code].format(seq=walk.last_seq + 1),
                                  seq=seq, entry_id=entry_id)
            return walk
        walk.last_seq, walk.last_hash = seq, stored
        walk.last_state = fields.get("to_state") or walk.last_state
        walk.count += 1
    return walk


def _entry_problem(fields: dict[str, Any], prev_hash: str, stored: str, expected_prev: str,
                   expected_seq: int) -> str:
    if fields["seq"] != expected_seq:
        return "entry_missing"
    if prev_hash != expected_prev:
        return "link_broken"
    fields["at"] = fields["at"].astimezone(UTC).isoformat()
    if chain_hash(prev_hash, fields) != stored:
        return "entry_altered"
    return ""


_MESSAGES = {
    "entry_missing": "entri urutan {seq} hilang dari tengah rantai",
    "link_broken": "tautan ke entri sebelumnya tidak cocok",
    "entry_altered": "isi entri tidak cocok dengan hash-nya (diubah)",
    "tail_missing": "ekor rantai hilang: kepala tersegel di urutan {head}, entri terakhir {last}",
    "chain_missing": "seluruh rantai hilang: kepala tersegel mencatat {head} entri",
    "unsealed_entries": "entri sampai urutan {last} melampaui kepala tersegel ({head}): "
                        "ditulis di luar Berkas",
    "chain_rewritten": "rantai ditulis ulang: entri terakhir bukan yang dicatat kepala tersegel",
    "seal_invalid": "segel kepala rantai tidak sah (kepala dipalsukan, atau kunci audit lain)",
    "orphan_entries": "entri audit untuk berkas yang tidak ada",
    "head_missing": "kepala rantai sistem hilang",
    "state_unrecorded": "status berkas ({state}) bukan status yang dicatat jejak audit "
                        "({recorded}): diubah di luar Berkas",
}


def head_problem(key: bytes, chain: str, walk: _Walk, seq: int, digest: str, sealed: str
                 ) -> Problem | None:
    """Compare a fully walked chain with its head and the head's seal."""
    code = ""
    if walk.last_seq < seq:
        code = "chain_missing" if walk.count == 0 else "tail_missing"
    elif walk.last_seq > seq:
        code = "unsealed_entries"
    elif walk.last_hash != digest:
        code = "chain_rewritten"
    elif not hmac.compare_digest(seal(key, chain, seq, digest), sealed):
        code = "seal_invalid"
    if not code:
        return None
    return Problem(code, _MESSAGES[code].format(head=seq, last=walk.last_seq), seq=walk.last_seq)


def verify(session: Session, key: bytes, *, batch: int = 2000,
           progress: Progress | None = None) -> VerifyResult:
    """Check every case chain, the entries of no case, and the system chain.
    ``progress(done, total)`` is called after each batch of case ids."""
    result = verify_cases(session, key, batch=batch, progress=progress)
    _orphans(session.connection(), result)
    result.merge(verify_system(session, key))
    return result


def verify_cases(session: Session, key: bytes, *, batch: int = 2000,
                 case_ids: tuple[int, int] | None = None, progress: Progress | None = None
                 ) -> VerifyResult:
    """Check the chains of cases ``case_ids[0]`` to ``[1]`` (all when not given), a batch of
    existing case ids at a time (keyset paging: ids far apart cost nothing), each batch one
    walk of the (case_id, seq) index, so memory stays flat on big logs."""
    result = VerifyResult()
    connection = session.connection()  # Core rows: no ORM work per entry
    low, high = case_ids or (None, None)
    where = [] if case_ids is None else [_CASES.c.id.between(low, high)]
    total = connection.execute(select(func.count()).select_from(_CASES).where(*where)).scalar_one()
    after = None
    while True:
        page = select(_CASES.c.id).where(*where).order_by(_CASES.c.id).limit(batch)
        ids = connection.execute(page if after is None else page.where(_CASES.c.id > after)
                                 ).scalars().all()
        if not ids:
            return result
        _verify_range(connection, key, ids[0], ids[-1] + 1, result)
        after = ids[-1]
        if progress is not None:
            progress(result.cases, total)


def _verify_range(connection: Connection, key: bytes, low: int, high: int,
                  result: VerifyResult) -> None:
    heads = [_Head(*row) for row in _raw_rows(connection, _HEADS.where(
        _CASES.c.id >= low, _CASES.c.id < high))]
    walks, doubtful = _fast_walks(_raw_rows(connection, _RAW.where(
        _ENTRIES.c.case_id >= low, _ENTRIES.c.case_id < high)))
    for head in heads:
        walk = (walk_chain(connection.execute(_EXACT, {"case_id": head.case_id}), HASHED_FIELDS)
                if head.case_id in doubtful else walks.get(head.case_id) or _Walk())
        result.cases += 1
        result.entries += walk.count
        problem = walk.broken or head_problem(key, case_chain(head.case_id), walk, head.seq,
                                              head.digest, head.seal) or _state_problem(head, walk)
        if problem is not None:
            result.add(Problem(problem.code, problem.message, head.case_id, head.reference,
                               problem.seq, problem.entry_id))


# One chain through SQLAlchemy's typed rows, for the exact walk.
_EXACT = (select(*(_ENTRIES.c[name] for name in ("id", "prev_hash", *HASHED_FIELDS, "hash")))
          .where(_ENTRIES.c.case_id == bindparam("case_id")).order_by(_ENTRIES.c.seq))
# What the fast walk reads, as the driver gives it (the payload as its stored JSON text),
# in chain order; and the heads it is compared with.
_RAW = select(*(_ENTRIES.c[name] for name in ("case_id", "seq", "at", "actor_id", "actor_name",
                                              "action", "from_state", "to_state", "comment")),
              cast(_ENTRIES.c.payload, Text), _ENTRIES.c.prev_hash, _ENTRIES.c.hash
              ).order_by(_ENTRIES.c.case_id, _ENTRIES.c.seq)
_HEADS = select(_CASES.c.id, _CASES.c.reference, _CASES.c.audit_seq, _CASES.c.audit_hash,
                _CASES.c.audit_seal, _CASES.c.state).order_by(_CASES.c.id)


def _raw_rows(connection: Connection, statement: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """``statement``'s rows as the DB-API cursor gives them: SQLAlchemy's row objects and type
    processing would cost more than the hashing. sqlite3's own iteration is a third cheaper
    than its lists of rows; psycopg's is Python per row, its ``fetchmany`` C. The parameters
    are our own integers, rendered into the SQL so that no driver's parameter style matters."""
    sql = str(statement.compile(dialect=connection.dialect,
                                compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        if connection.dialect.name == "sqlite":
            yield from typing.cast(Iterable[tuple[Any, ...]], cursor)
        else:
            while rows := cursor.fetchmany(10_000):
                yield from rows
    finally:
        cursor.close()


def _fast_walks(rows: Iterable[tuple[Any, ...]]) -> tuple[dict[Any, _Walk], set[Any]]:
    """Walk the chains in ``rows`` (ordered by case and seq), each entry's canonical JSON
    written by a template from the raw values: keys in sorted order, strings quoted by
    ``json.dumps``'s own function, integers only of type ``int``, ``at`` from SQLAlchemy's
    SQLite text ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC; only that form, each of whose characters
    the result keeps or fixes) or :func:`_stamp`. Where the template applies it writes exactly
    what ``json.dumps`` would, so a matching digest proves what the exact walk would prove. A
    chain it does not carry to its end (a gap, a broken link, an unexpected value, a digest
    that does not match) is returned as doubtful, to be walked and judged exactly."""
    walks: dict[Any, _Walk] = {}
    doubtful: set[Any] = set()
    current: Any = None
    walk = _Walk()  # the current chain's; its figures are kept on locals meanwhile
    last_seq, last_hash, last_state, count = 0, GENESIS, None, 0
    for (case_id, seq, at, actor_id, actor_name, action, from_state, to_state, comment,
         payload, prev_hash, stored) in rows:
        if case_id != current:
            walk.last_seq, walk.last_hash, walk.last_state, walk.count = (
                last_seq, last_hash, last_state, count)
            current, walk = case_id, _Walk()
            walks[case_id] = walk
            last_seq, last_hash, last_state, count = 0, GENESIS, None, 0
        elif walk.broken:
            continue
        try:
            if type(case_id) is not int or type(seq) is not int or (
                    actor_id is not None and type(actor_id) is not int):
                raise TypeError("not an integer")
            stamp = (f"{at[:10]}T{at[11:19]}+00:00" if at[19:] == ".000000"
                     else f"{at[:10]}T{at[11:]}+00:00") if (
                type(at) is str and len(at) == 26 and at[10] == " ") else _stamp(at)
            canonical = (
                f'{prev_hash}{{"action":{quote(action)},'
                f'"actor_id":{"null" if actor_id is None else actor_id},'
                f'"actor_name":{quote(actor_name)},"at":{quote(stamp)},'
                f'"case_id":{case_id},"comment":{quote(comment)},'
                f'"from_state":{"null" if from_state is None else quote(from_state)},'
                f'"payload":{"{}" if payload == "{}" else _payload(payload)},"seq":{seq},'
                f'"to_state":{"null" if to_state is None else quote(to_state)}}}')
        except (TypeError, ValueError):
            canonical = ""
        if (seq != last_seq + 1 or prev_hash != last_hash or not canonical
                or sha256(canonical.encode()).hexdigest() != stored):
            walk.broken = _DOUBT
            doubtful.add(case_id)
            continue
        last_seq, last_hash, count = seq, stored, count + 1
        last_state = to_state or last_state
    walk.last_seq, walk.last_hash, walk.last_state, walk.count = (
        last_seq, last_hash, last_state, count)
    return walks, doubtful


_DOUBT = Problem("doubtful", "")  # marks a chain the fast walk gave up on; never reported


def _stamp(at: Any) -> str:
    """An aware datetime (PostgreSQL) as the writer hashed it: ``isoformat()`` in UTC."""
    if isinstance(at, datetime) and at.tzinfo is not None:
        return at.astimezone(UTC).isoformat()
    raise ValueError("a time not in a form read back exactly here")


def _payload(text: Any) -> str:
    """A stored payload's canonical JSON, as the exact walk would write it."""
    if type(text) is not str:
        raise TypeError("payload is not JSON text")
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def _state_problem(head: _Head, walk: _Walk) -> Problem | None:
    """A sound chain whose case row says another state: the row was changed behind it."""
    if walk.count == 0 or walk.last_state in (None, head.state):
        return None
    message = _MESSAGES["state_unrecorded"].format(state=head.state, recorded=walk.last_state)
    return Problem("state_unrecorded", message, seq=walk.last_seq)


def _orphans(connection: Connection, result: VerifyResult) -> None:
    """Entries whose case row is gone (possible only with foreign keys switched off)."""
    query = (select(_ENTRIES.c.case_id, func.count()).select_from(_ENTRIES)
             .outerjoin(_CASES, _CASES.c.id == _ENTRIES.c.case_id)
             .where(_CASES.c.id.is_(None)).group_by(_ENTRIES.c.case_id))
    for case_id, _count in connection.execute(query):
        result.add(Problem("orphan_entries", _MESSAGES["orphan_entries"], case_id))


def verify_system(session: Session, key: bytes) -> VerifyResult:
    """Check the system chain against its sealed head."""
    result = VerifyResult()
    connection = session.connection()
    table, heads = table_of(SystemAuditEntry), table_of(AuditHead)
    head = connection.execute(select(heads.c.seq, heads.c.hash, heads.c.seal)
                              .where(heads.c.name == system_audit.CHAIN)).first()
    columns = [table.c[name] for name in ("id", "prev_hash", *system_audit.HASHED_FIELDS, "hash")]
    walk = walk_chain(connection.execute(select(*columns).order_by(table.c.seq)),
                      system_audit.HASHED_FIELDS)
    result.system_entries = walk.count
    problem = walk.broken
    if problem is None and head is None:
        problem = Problem("head_missing", _MESSAGES["head_missing"])
    if problem is None and head is not None:
        problem = head_problem(key, system_audit.CHAIN, walk, *head)
    if problem is not None:
        result.add(Problem(problem.code, problem.message, None, "sistem", problem.seq,
                           problem.entry_id))
    return result


def verify_parallel(database_url: str, key: bytes, workers: int) -> VerifyResult:
    """:func:`verify` split by case-id ranges over ``workers`` processes (chains are
    independent per case); the system chain is checked once, in this process."""
    result, others = VerifyResult(), VerifyResult()
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            connection = session.connection()
            first, last = connection.execute(
                select(func.min(_CASES.c.id), func.max(_CASES.c.id))).one()
            _orphans(connection, others)
            others.merge(verify_system(session, key))
    finally:
        engine.dispose()
    if first is not None and last is not None:
        step = (last - first) // workers + 1
        ranges = [(database_url, key, low, min(low + step - 1, last))
                  for low in range(first, last + 1, step)]
        with ProcessPoolExecutor(len(ranges)) as pool:
            for part in pool.map(_verify_part, ranges):
                result.merge(part)
    result.merge(others)
    return result


def _verify_part(job: tuple[str, bytes, int, int]) -> VerifyResult:
    database_url, key, low, high = job
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return verify_cases(session, key, case_ids=(low, high))
    finally:
        engine.dispose()
