"""Claim matching on the held-out set: the old matcher (embeddings only) and the new one, same run.

Reports the issue's three rates on ``datasets/affirmations-fr/evaluation/evaluation.csv`` (right claim
returned confidently, near-misses given the neighbour's verdict, off-topic abstention) and the time per
query of both, so the cost of reading details with spaCy is a ratio measured here (medians, interleaved), not a guess.
Options: ``--set calibration`` to score the calibration file instead, ``--echecs`` to list failures.
"""

from __future__ import annotations

import argparse
import statistics
import time


def _line(name: str, s: dict, seconds: float) -> str:
    return (f"{name:<22} same claim {s['same_right']:>3}/{s['same_total']} ({s['rate_same_right']:.1%})  "
            f"near-miss verdict {s['detail_with_verdict']:>3}/{s['detail_total']} "
            f"({s['rate_detail_with_verdict']:.1%})  abstention {s['unknown_abstained']:>3}/{s['unknown_total']} "
            f"({s['rate_abstention']:.1%})  {seconds * 1000:.0f} ms/query")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="evaluation", choices=["evaluation", "calibration"])
    parser.add_argument("--echecs", action="store_true", help="list the messages the new matcher gets wrong")
    args = parser.parse_args()

    from civicai.disinfo import details, evaluation, matching

    rows = evaluation.read_set(args.set)
    t0 = time.perf_counter()
    matcher = matching.ClaimMatcher.from_corpus(warm=False)
    matching.encode(["bonjour"])
    t_encoder = time.perf_counter() - t0
    t0 = time.perf_counter()
    details.nlp()
    t_spacy = time.perf_counter() - t0
    print(f"{len(rows)} messages ({args.set}); load: encoder {t_encoder:.1f} s, spaCy {t_spacy:.1f} s")
    # Rates: both matchers on every row. The first pass of the new one also parses the corpus claims it
    # meets (cached afterwards): its time is the « first visit » cost.
    old, _, _ = evaluation.run(matcher, rows, legacy=True)
    new, outcomes, first_s = evaluation.run(matcher, rows)
    # Latency: old and new interleaved message by message, so machine load hits both alike; medians. The
    # message gets a new ending so that its parse is not cached, as for a visitor's new message.
    old_t, new_t = [], []
    for row in rows:
        for decide, times in ((lambda m: evaluation.embeddings_only(matcher, m), old_t), (matcher.match, new_t)):
            t0 = time.perf_counter()
            decide(row["message"] + " ?!")
            times.append(time.perf_counter() - t0)
    old_s, new_s = statistics.median(old_t), statistics.median(new_t)
    print(_line("old (embeddings only)", old, old_s))
    print(_line("new (+ details)", new, new_s))
    print(f"near-misses flagged « un détail diffère »: {new['detail_flagged']}/{new['detail_total']}, "
          f"with the changed detail named: {new['detail_right_kind']}/{new['detail_total']}; in-corpus messages "
          f"sent to « détail »: {new['same_to_detail']}/{new['same_total']}")
    print(f"median time per query: old {old_s * 1000:.0f} ms, new {new_s * 1000:.0f} ms (ratio "
          f"{new_s / old_s:.2f}, added {(new_s - old_s) * 1000:.0f} ms); first pass of the new one, claims "
          f"not yet parsed: {first_s * 1000:.0f} ms mean")
    if args.echecs:
        print("\n".join(evaluation.failures(rows, outcomes)))


if __name__ == "__main__":
    main()
