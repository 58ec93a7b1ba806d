#!/usr/bin/env python3
"""Parse OpenMetrics 1.0 text from stdin with prometheus_client's OpenMetrics parser.

Exits 1 with the parser's message when the text does not parse (prometheus_client
checks the # EOF terminator, escaping, counter and histogram suffixes, bucket order,
_count against +Inf, exemplar syntax and its 128-character label limit).
With --json, prints every parsed sample as one JSON object per line:
{"family", "type", "help", "name", "labels", "value", "exemplar": null | {"labels", "value", "timestamp"}}.
"""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main() -> int:
    # Bytes, decoded without newline translation: a carriage return in a label value
    # is a character of the value, not a line break.
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and friends
        print(f"OpenMetrics parse error: {e}", file=sys.stderr)
        return 1
    if "--json" in sys.argv[1:]:
        for f in families:
            for s in f.samples:
                ex = None
                if s.exemplar is not None:
                    ts = s.exemplar.timestamp
                    ex = {
                        "labels": s.exemplar.labels,
                        "value": s.exemplar.value,
                        "timestamp": None if ts is None else str(ts),
                    }
                print(json.dumps({
                    "family": f.name,
                    "type": f.type,
                    "help": f.documentation,
                    "name": s.name,
                    "labels": s.labels,
                    "value": repr(float(s.value)),
                    "exemplar": ex,
                }))
    else:
        samples = sum(len(f.samples) for f in families)
        print(f"ok: {len(families)} families, {samples} samples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
