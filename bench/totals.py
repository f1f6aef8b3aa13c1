#!/usr/bin/env python3
"""Account totals from a Tariff invoice in CSV (`tariff invoice --format csv`):
sums each account's rounded line and adjustment amounts (exact, in cents),
leaving out taxes included in the prices, and prints `account,total` sorted
bytewise. Usage: totals.py INVOICE.csv"""
import csv, sys
from decimal import Decimal
tot = {}
with open(sys.argv[1], newline='') as f:
    for row in csv.DictReader(f):
        if row.get('kind') == 'tax included':
            continue
        tot[row['account']] = tot.get(row['account'], Decimal(0)) + Decimal(row['amount'])
out = ['account,total']
for acct in sorted(tot, key=lambda s: s.encode()):
    out.append(f"{acct},{tot[acct]:.2f}")
sys.stdout.write('\n'.join(out) + '\n')
