"""criterion's estimates under CRITERION_DIR as [{"name", "median_ns", "mean_ns"}]."""
import json
import os
import sys

root = sys.argv[1]
found = []
for dirpath, _, files in os.walk(root):
    if os.path.basename(dirpath) == "new" and "estimates.json" in files and "benchmark.json" in files:
        estimates = json.load(open(os.path.join(dirpath, "estimates.json")))
        benchmark = json.load(open(os.path.join(dirpath, "benchmark.json")))
        found.append({
            "name": benchmark.get("function_id") or benchmark.get("full_id"),
            "median_ns": estimates["median"]["point_estimate"],
            "mean_ns": estimates["mean"]["point_estimate"],
        })
print(json.dumps(sorted(found, key=lambda b: b["name"])))
