"""The same question as `cruscotto summary FILE --by province`, asked with pandas: read the file,
total the granted amount by province. A yardstick of docs/performance.md.

    python3 benches/reference/pandas_read.py FILE.csv|FILE.parquet
"""

import sys

import pandas as pd

AMOUNT = "Contributo concesso (€)"
PROVINCE = "Provincia"

path = sys.argv[1]
if path.endswith(".parquet"):
    df = pd.read_parquet(path)
else:
    df = pd.read_csv(path, sep=";", decimal=",", thousands=".", low_memory=False)
out = df.groupby(PROVINCE)[AMOUNT].sum().sort_values(ascending=False)
print(len(out), out.sum())
