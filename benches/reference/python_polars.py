"""The same question as `cruscotto summary FILE --by province`, asked with python-polars: read the
file, total the granted amount by province. The yardstick of docs/performance.md.

    python3 benches/reference/python_polars.py FILE.csv|FILE.parquet
"""

import sys

import polars as pl

AMOUNT = "Contributo concesso (€)"
PROVINCE = "Provincia"

path = sys.argv[1]
if path.endswith(".parquet"):
    df = pl.read_parquet(path)
else:
    df = pl.read_csv(path, separator=";", decimal_comma=True, infer_schema_length=10000)
out = df.group_by(PROVINCE).agg(pl.col(AMOUNT).sum()).sort(AMOUNT, descending=True)
print(out.height, out[AMOUNT].sum())
