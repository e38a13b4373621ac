#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target from the repository's test cases and the public SCIM suites.

usage: make-seeds.py OUT_DIR [SUITES_DIR]   (one folder per target under OUT_DIR; SUITES_DIR defaults to
/work/shared/scim-suites and is skipped when absent). run-fuzz.sh runs it, then minimises the result with afl-cmin.
"""
import json
import os
import re
import sys
import urllib.parse

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CASES = os.path.join(ROOT, "tests", "Jostle.Scim.Core.Tests", "Cases")
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"

seeds = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data and len(data) <= 4096:
        seeds.setdefault(target, set()).add(data)


def case_lines(name):
    with open(os.path.join(CASES, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split(" ⇒ ")[0]


def jsonl(name):
    with open(os.path.join(CASES, name), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def dumps(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


for name in ("filters.valid.txt", "filters.invalid.txt", "filters.eval.txt"):
    for text in case_lines(name):
        add("filter", text)
        add("http", "GET /Users?filter=" + urllib.parse.quote(text))
for name in ("paths.valid.txt", "paths.invalid.txt"):
    for text in case_lines(name):
        add("path", text)

for case in jsonl("patch/patch-cases.jsonl"):
    body = case["body"] if "body" in case else {"schemas": [PATCH_OP], "Operations": case["ops"]}
    add("patch", dumps(body))
    for op in case.get("ops", []):
        if isinstance(op, dict) and isinstance(op.get("path"), str):
            add("path", op["path"])
    add("http", "PATCH /Users/{user}\n" + dumps(body))

for case in jsonl("resources/validation.jsonl"):
    add("resource", ("0" if case.get("type") == "User" else "1") + dumps(case["body"]))
    add("body", dumps(case["body"]))
for case in jsonl("resources/projection.jsonl"):
    add("attributes", "\n".join([case.get("attributes") or "", case.get("excludedAttributes") or ""]))
for case in jsonl("resources/sorting.jsonl"):
    add("attributes", "\n".join(["", "", case.get("sortBy") or "", case.get("sortOrder") or ""]))
for text in ("userName,name.givenName\n\nuserName\nascending", "\nemails,members\nname.familyName\ndescending",
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value\n\nemails.value\n",
             "groups\n\nmeta.lastModified\n", "members.value,displayName\n\ndisplayName\n"):
    add("attributes", text)

# Bulk: the RFC 7644 §3.7 shapes (bulkId references, failOnErrors, every method).
user = {"schemas": [USER], "userName": "Alice"}
group = {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"type": "User", "value": "bulkId:qwerty"}]}
bulks = [
    {"schemas": [BULK], "Operations": [{"method": "POST", "path": "/Users", "bulkId": "qwerty", "data": user}]},
    {"schemas": [BULK], "failOnErrors": 1, "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "qwerty", "data": user},
        {"method": "POST", "path": "/Groups", "bulkId": "ytrewq", "data": group}]},
    {"schemas": [BULK], "Operations": [
        {"method": "POST", "path": "/Groups", "bulkId": "a", "data": {"schemas": [GROUP], "displayName": "A", "members": [{"value": "bulkId:b"}]}},
        {"method": "POST", "path": "/Groups", "bulkId": "b", "data": {"schemas": [GROUP], "displayName": "B", "members": [{"value": "bulkId:a"}]}}]},
    {"schemas": [BULK], "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "u", "data": user},
        {"method": "PUT", "path": "/Users/bulkId:u", "data": {"schemas": [USER], "userName": "Alice2"}},
        {"method": "PATCH", "path": "/Users/bulkId:u", "data": {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]}},
        {"method": "DELETE", "path": "/Users/bulkId:u"}]},
    {"schemas": [BULK], "Operations": [{"method": "DELETE", "path": "/Users/missing", "version": "W/\"1\""}]},
]
for bulk in bulks:
    add("bulk", dumps(bulk))
    add("http", "POST /Bulk\n" + dumps(bulk))

# The request body reader: JSON, and the same bytes made invalid (bad UTF-8, a lone surrogate, deep nesting).
for body in (b'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b\xc3\xa9"}',
             b'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b\xc3"}',
             b'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\\ud800x"}',
             b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \\"b\\"","startIndex":1,"count":10,"sortBy":"userName","attributes":["userName"]}',
             b'\xef\xbb\xbf{"a":[1,2,{"b":null}]}', b'[' * 70 + b']' * 70, b'\xff\xfe{}'):
    add("body", body)
    add("http", b"POST /Users\n" + body)

# The public suites: every request (method, path and query relative to the SCIM base, body).
suites = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/scim-suites"
if os.path.isdir(suites):
    def requests(o):
        if isinstance(o, dict):
            if "method" in o and "url" in o:
                url = o["url"]["raw"] if isinstance(o["url"], dict) else o["url"]
                body = o.get("body")
                body = body.get("raw") if isinstance(body, dict) else body
                yield o["method"], url, body or ""
                return
            for v in o.values():
                yield from requests(v)
        elif isinstance(o, list):
            for v in o:
                yield from requests(v)

    for name in sorted(os.listdir(suites)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(suites, name), encoding="utf-8") as f:
            for method, url, body in requests(json.load(f)):
                path = re.sub(r"^.*?\}\}(/\{\{Api\}\})?", "", url)
                path = re.sub(r"\{\{[^}]*[Uu]ser[^}]*[Ii]d\}\}", "{user}", path)
                path = re.sub(r"\{\{[^}]*[Gg]roup[^}]*[Ii]d\}\}", "{group}", path)
                path = re.sub(r"\{\{[^}]*\}\}", "x", path)
                add("http", f"{method} {path}\n{body}")
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
                for text in query.get("filter", []):
                    add("filter", text)
                if query.get("attributes") or query.get("excludedAttributes"):
                    add("attributes", "\n".join([query.get("attributes", [""])[0], query.get("excludedAttributes", [""])[0]]))
                body = re.sub(r"\{\{[^}]*\}\}", "x", body)
                try:
                    doc = json.loads(body)
                except ValueError:
                    continue
                if isinstance(doc, dict) and PATCH_OP in doc.get("schemas", []):
                    add("patch", dumps(doc))
                elif isinstance(doc, dict) and GROUP in doc.get("schemas", []):
                    add("resource", "1" + dumps(doc))
                elif isinstance(doc, dict) and "schemas" in doc:
                    add("resource", "0" + dumps(doc))

out = sys.argv[1]
for target, items in sorted(seeds.items()):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    for i, data in enumerate(sorted(items)):
        with open(os.path.join(folder, f"seed-{i:04d}"), "wb") as f:
            f.write(data)
    print(f"{target}: {len(items)} seeds")
