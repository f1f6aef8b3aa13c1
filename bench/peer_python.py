#!/usr/bin/env python3
"""The standard job (bench/standard.tariff) as a Python user would write it:
csv module + decimal.Decimal, exact. Usage: peer_python.py USAGE.csv"""
import csv, sys
from decimal import Decimal, ROUND_HALF_UP, ROUND_CEILING

CENT = Decimal('0.01')
PRICES = [Decimal(p) / 1000 for p in ('0.99', '3.99', '8.99', '15.99', '35.99')]
SIXTY = Decimal(60)
GB = Decimal(10) ** 9
TRAFFIC = Decimal('0.09')


def cls(px):
    return 1 if px <= 921600 else 2 if px <= 2073600 else 3 if px <= 3686400 else 4


def main(path):
    acc = {}
    with open(path, newline='') as f:
        r = csv.reader(f)
        next(r)
        for account, time, event, user, pixels, quantity in r:
            if not time.startswith('2026-03-'):
                continue
            a = acc.get(account)
            if a is None:
                a = acc[account] = [[Decimal(0)] * 5, Decimal(0), set()]
            q = Decimal(quantity)
            if event == 'audio':
                a[0][0] += q
            elif event == 'video':
                a[0][cls(int(pixels or 0))] += q
            elif event == 'message':
                a[1] += q
            a[2].add(user)
    out = ['account,total']
    for account in sorted(acc, key=lambda s: s.encode()):
        secs, traffic, users = acc[account]
        left = 10000
        total = Decimal(0)
        for c in range(5):
            m = int((secs[c] / SIXTY).to_integral_value(ROUND_CEILING))
            drawn = min(m, left)
            left -= drawn
            total += ((m - drawn) * PRICES[c]).quantize(CENT, ROUND_HALF_UP)
        n = len(users)
        mau = Decimal(0)
        if n > 200:
            mau += (min(n, 5000) - 200) * Decimal('0.05')
        if n > 5000:
            mau += (min(n, 10000) - 5000) * Decimal('0.0475')
        if n > 10000:
            mau += (n - 10000) * Decimal('0.045')
        total += mau.quantize(CENT, ROUND_HALF_UP)
        total += (traffic / GB * TRAFFIC).quantize(CENT, ROUND_HALF_UP)
        out.append(f'{account},{total:.2f}')
    sys.stdout.write('\n'.join(out) + '\n')


main(sys.argv[1])
