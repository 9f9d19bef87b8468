#!/usr/bin/env python3
"""Validates vapidiag JSON output against the schemas in docs/schema/.

Usage: validate_json.py SCHEMA_DIR FILE...
Each FILE holds one JSON document (an object or an array of objects) or NDJSON (one object
per line). Each object is checked against the schema of its record kind, told by its fields:
"kind" (summary, verdict), "ended_reason" (call), "pattern" (pattern row), else "code".
Prints one line per problem and exits 1 when there is any; 2 when a file holds no JSON.
"""
import json
import pathlib
import sys

import jsonschema


def load_schemas(folder):
    schemas = {}
    for path in sorted(pathlib.Path(folder).glob("*.json")):
        schema = json.loads(path.read_text())
        schemas[path.stem] = schema
    return schemas


def make_validators(schemas):
    by_id = {s["$id"]: s for s in schemas.values()}
    validators = {}
    try:  # jsonschema >= 4.18
        import referencing
        import referencing.jsonschema

        registry = referencing.Registry().with_resources(
            (i, referencing.jsonschema.DRAFT202012.create_resource(s)) for i, s in by_id.items())
        for name, s in schemas.items():
            validators[name] = jsonschema.Draft202012Validator(s, registry=registry)
    except ImportError:  # Debian 12: jsonschema 4.10
        for name, s in schemas.items():
            resolver = jsonschema.RefResolver(s["$id"], s, store=by_id)
            validators[name] = jsonschema.Draft202012Validator(s, resolver=resolver)
    for s in schemas.values():
        jsonschema.Draft202012Validator.check_schema(s)
    return validators


def kind_of(obj):
    if obj.get("kind") in ("summary", "verdict"):
        return obj["kind"]
    if "ended_reason" in obj:
        return "call"
    if "pattern" in obj:
        return "pattern"
    return "code"


def documents(path):
    text = pathlib.Path(path).read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        return []
    try:
        doc = json.loads(text)
        return doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    folder, files = sys.argv[1], sys.argv[2:]
    validators = make_validators(load_schemas(folder))
    problems = 0
    checked = {}
    for path in files:
        try:
            objs = documents(path)
        except json.JSONDecodeError as e:
            print(f"{path}: not JSON or NDJSON: {e}")
            sys.exit(2)
        for n, obj in enumerate(objs, 1):
            if not isinstance(obj, dict):
                print(f"{path}: element {n} is not an object")
                problems += 1
                continue
            kind = kind_of(obj)
            checked[kind] = checked.get(kind, 0) + 1
            for err in sorted(validators[kind].iter_errors(obj), key=lambda e: list(e.path)):
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"{path}: element {n} ({kind}) at /{where}: {err.message}")
                problems += 1
    print("validated: " + ", ".join(f"{k} {v}" for k, v in sorted(checked.items())))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
