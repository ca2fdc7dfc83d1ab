#!/usr/bin/env python3
"""Rewrites data/aws-ec2-ip-ranges.txt from AWS's published ip-ranges.json:
the EC2 prefixes (the addresses instances and Elastic IPs get, the ones a
dangling DNS record can be claimed through), one `CIDR REGION` per line,
under a header naming the source and its createDate.

  tools/refresh-ip-ranges.py                      # downloads from AWS
  tools/refresh-ip-ranges.py path/to/ip-ranges.json "where that copy came from"

Then rebuild driftwatch: the file is compiled into the binary."""
import json
import sys
import urllib.request
from pathlib import Path

URL = "https://ip-ranges.amazonaws.com/ip-ranges.json"
OUT = Path(__file__).resolve().parent.parent / "data" / "aws-ec2-ip-ranges.txt"


def main():
    if len(sys.argv) > 1:
        raw = Path(sys.argv[1]).read_bytes()
        source = sys.argv[2] if len(sys.argv) > 2 else sys.argv[1]
    else:
        source = URL
        with urllib.request.urlopen(URL, timeout=30) as r:
            raw = r.read()
    doc = json.loads(raw)
    rows = sorted({(p["ip_prefix"], p["region"]) for p in doc["prefixes"] if p["service"] == "EC2"}
                  | {(p["ipv6_prefix"], p["region"]) for p in doc["ipv6_prefixes"] if p["service"] == "EC2"})
    header = [
        "# AWS EC2 address ranges: the prefixes of AWS's ip-ranges.json whose service is EC2.",
        f"# source: {source}",
        f"# createDate: {doc['createDate']}  syncToken: {doc['syncToken']}",
        "# refresh: tools/refresh-ip-ranges.py (see data/SOURCES.md)",
    ]
    OUT.write_text("\n".join(header + [f"{cidr} {region}" for cidr, region in rows]) + "\n")
    print(f"{OUT}: {len(rows)} prefixes as of {doc['createDate']}", file=sys.stderr)


if __name__ == "__main__":
    main()
