"""The same question as `cruscotto summary FILE.xlsx --by province`, asked with fastexcel (the Rust
calamine reader behind python-polars' read_excel) and python-polars.

    python3 benches/reference/fastexcel_read.py FILE.xlsx
"""

import sys

import fastexcel
import polars as pl

AMOUNT = "Contributo concesso (€)"
PROVINCE = "Provincia"

sheet = fastexcel.read_excel(sys.argv[1]).load_sheet(0)
df = sheet.to_polars()
out = df.group_by(PROVINCE).agg(pl.col(AMOUNT).sum())
print(out.height, out[AMOUNT].sum())
