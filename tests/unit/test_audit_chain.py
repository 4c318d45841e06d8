import hashlib
import json

from services.common.audit import GENESIS_HASH, ChainWalker, Problem, chain_hash, verify_exported


def _record(seq: int) -> dict[str, object]:
    return {
        "seq": seq,
        "record_id": f"r-{seq}",
        "recorded_at": "2026-11-26T07:00:00.000000+00:00",
        "actor": "assistant-7",
        "actor_source": "header",
        "actor_role": None,
        "actor_client": None,
        "action": "read",
        "resource_type": "worker_case",
        "resource_id": f"case-{seq}",
        "fields": ["birth_date", "sex"],
        "purpose": "guidance",
        "correlation_id": "c-1",
    }


def _export(count: int) -> list[dict[str, object]]:
    lines, prev_hash = [], GENESIS_HASH
    for seq in range(1, count + 1):
        record = _record(seq)
        hash_ = chain_hash(prev_hash, record)
        lines.append({**record, "prev_hash": prev_hash, "hash": hash_})
        prev_hash = hash_
    return lines


def _walk(entries: list[dict[str, object]]) -> ChainWalker:
    return verify_exported(json.dumps(entry) for entry in entries)


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_record():
    record = {"b": "é", "a": 1}
    expected = hashlib.sha256(b"0" * 64 + '{"a":1,"b":"é"}'.encode()).hexdigest()
    assert chain_hash("0" * 64, record) == expected


def test_an_intact_export_verifies():
    walker = _walk(_export(4))
    assert walker.broken is None
    assert walker.records == 4


def test_a_changed_record_is_named():
    entries = _export(4)
    entries[2]["purpose"] = "curiosity"
    broken = _walk(entries).broken
    assert broken is not None and (broken.seq, broken.problem) == (3, Problem.CHANGED)


def test_a_changed_and_rehashed_record_breaks_the_link_of_the_next():
    entries = _export(4)
    entries[1]["actor"] = "someone-else"
    entries[1]["hash"] = chain_hash(
        str(entries[1]["prev_hash"]), {k: v for k, v in entries[1].items() if k not in ("prev_hash", "hash")}
    )
    broken = _walk(entries).broken
    assert broken is not None and (broken.seq, broken.problem) == (3, Problem.UNLINKED)


def test_a_deleted_record_is_missing_and_swapped_records_are_out_of_place():
    entries = _export(4)
    deleted = _walk(entries[:1] + entries[2:]).broken
    assert deleted is not None and (deleted.seq, deleted.problem) == (2, Problem.MISSING)
    swapped = _walk([entries[0], entries[2], entries[1], entries[3]]).broken
    assert swapped is not None and (swapped.seq, swapped.problem) == (2, Problem.MISSING)


def test_a_chain_ending_before_its_head_is_truncated():
    entries = _export(3)
    walker = _walk(entries[:2])
    walker.finish(head_seq=3, head_hash=str(entries[2]["hash"]))
    assert walker.broken is not None and (walker.broken.seq, walker.broken.problem) == (3, Problem.TRUNCATED)
