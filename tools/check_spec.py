"""Validate OpenAPI 3.0 spec files; used by tools/validate-specs.sh.

For each file it runs
  1. a YAML parse (errors name the line and column),
  2. openapi-spec-validator (OpenAPI 3.0 schema and semantic checks, `$ref` resolution),
  3. openapi-examples-validator (every JSON media-type and parameter example against its
     schema),
  4. openapi-schema-validator on every example that tool does not cover: examples of non-JSON
     media types (form, multipart) and `example` values inside schemas,
and prints one line per file: `ok   FILE` or `FAIL FILE: [tool] FILE:LINE:COL: message`
(a few indented detail lines may follow a failure). Exit status 1 if any file fails.

Usage: python check_spec.py --examples-validator PATH FILE...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from typing import Iterable, Optional
from urllib.parse import quote

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.readers import read_from_filename

MAX_DETAILS = 8


class Failure(Exception):
    def __init__(self, tool: str, message: str, details: Iterable[str] = ()):
        super().__init__(message)
        self.tool = tool
        self.message = message
        self.details = list(details)


# ---- locating things in the YAML source ---------------------------------------------

def compose(text: str) -> Optional[yaml.Node]:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def node_at(root: Optional[yaml.Node], path: Iterable) -> Optional[yaml.Node]:
    """Deepest node reachable along `path` (keys/indices); None if root is None."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for key, value in node.value:
                if str(key.value) == str(part):
                    nxt = value
                    break
            if nxt is None:
                return node
            node = nxt
        elif isinstance(node, yaml.SequenceNode):
            try:
                node = node.value[int(part)]
            except (ValueError, IndexError):
                return node
        else:
            return node
    return node


def where(file: str, node: Optional[yaml.Node]) -> str:
    if node is None:
        return file
    mark = node.start_mark
    return f"{file}:{mark.line + 1}:{mark.column + 1}"


def pointer_parts(pointer: str) -> list:
    pointer = pointer.lstrip("#")
    if not pointer or pointer == "/":
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]


def find_ref_nodes(root: Optional[yaml.Node], target: str) -> list:
    """Every `$ref: <ref>` scalar whose value mentions `target`."""
    found = []

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (key.value == "$ref" and isinstance(value, yaml.ScalarNode)
                        and target in value.value):
                    found.append(value)
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(root)
    return found


def json_path(parts: Iterable) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else "/" + str(p).replace("~", "~0").replace("/", "~1")
    return out or "/"


# ---- the checks -----------------------------------------------------------------------

def check_yaml(file: str, text: str) -> None:
    try:
        yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        problem = exc.problem or "invalid YAML"
        if exc.context:
            ctx = exc.context
            if exc.context_mark is not None:
                ctx += f" started at line {exc.context_mark.line + 1}"
            problem = f"{problem} ({ctx})"
        raise Failure("yaml", f"{loc}: {problem}")
    except yaml.YAMLError as exc:
        raise Failure("yaml", f"{file}: {exc}")


def check_spec(file: str, root: Optional[yaml.Node]) -> None:
    tool = "openapi-spec-validator"
    try:
        spec, base_uri = read_from_filename(file)
    except yaml.YAMLError as exc:  # already reported by check_yaml, kept for safety
        raise Failure(tool, f"{file}: {exc}")
    if not isinstance(spec, dict):
        raise Failure(tool, f"{file}: the document is not a mapping")
    version = str(spec.get("openapi", ""))
    if not re.fullmatch(r"3\.0\.\d+", version):
        node = node_at(root, ["openapi"])
        raise Failure(tool, f"{where(file, node)}: `openapi` is {version!r}; expected 3.0.x")
    try:
        errors = list(OpenAPIV30SpecValidator(spec, base_uri=base_uri).iter_errors())
    except Exception as exc:  # unresolvable $ref and similar raise instead of yielding
        raise ref_failure(tool, file, root, exc)
    if errors:
        first = errors[0]
        parts = list(getattr(first, "absolute_path", []) or [])
        node = node_at(root, parts)
        message = str(getattr(first, "message", first)).splitlines()[0]
        details = [f"at {json_path(parts)}"]
        for other in errors[1:MAX_DETAILS]:
            other_parts = list(getattr(other, "absolute_path", []) or [])
            other_msg = str(getattr(other, "message", other)).splitlines()[0]
            details.append(f"{where(file, node_at(root, other_parts))}: {other_msg}")
        if len(errors) > MAX_DETAILS:
            details.append(f"... {len(errors) - MAX_DETAILS} more")
        raise Failure(tool, f"{where(file, node)}: {message}", details)


def ref_failure(tool: str, file: str, root: Optional[yaml.Node], exc: Exception) -> Failure:
    text = str(exc)
    pointer = getattr(exc, "ref", None)
    m = re.match(r"'([^']*)' does not exist within", text)
    if pointer is None and m:
        pointer = m.group(1)
    if pointer:
        target = pointer if pointer.startswith("#") else "#" + pointer
        nodes = find_ref_nodes(root, target) or find_ref_nodes(root, pointer.lstrip("#"))
        if nodes:
            locs = ", ".join(where(file, n) for n in nodes[:MAX_DETAILS])
            return Failure(tool, f"{where(file, nodes[0])}: unresolvable $ref {target!r}",
                           [f"referenced at {locs}"] if len(nodes) > 1 else [])
        return Failure(tool, f"{file}: unresolvable $ref {target!r}")
    return Failure(tool, f"{file}: {type(exc).__name__}: {text.splitlines()[0][:300]}")


def check_examples(file: str, root: Optional[yaml.Node], validator: str) -> None:
    tool = "openapi-examples-validator"
    proc = subprocess.run([validator, file], capture_output=True, text=True)
    if proc.returncode == 0:
        return
    output = (proc.stdout or "") + (proc.stderr or "")
    start = output.find("[")
    errors = None
    while start != -1 and errors is None:
        try:
            errors = json.JSONDecoder().raw_decode(output[start:])[0]
        except ValueError:
            start = output.find("[", start + 1)
    if not isinstance(errors, list) or not errors:
        lines = [l for l in output.splitlines() if l.strip()]
        raise Failure(tool, f"{file}: exit status {proc.returncode}", lines[-MAX_DETAILS:])
    lines = []
    for err in errors:
        example_path = err.get("examplePath") or ""
        instance = err.get("instancePath") or ""
        parts = pointer_parts(example_path) + pointer_parts(instance)
        node = node_at(root, parts) if example_path else None
        message = str(err.get("message", err)).splitlines()[0]
        if err.get("type") == "EMISSINGPOINTER" or "$ref pointer" in message:
            m = re.search(r'"(#[^"]*)"', message)
            if m:
                nodes = find_ref_nodes(root, m.group(1))
                node = nodes[0] if nodes else None
        loc = where(file, node)
        suffix = f" (example {example_path}{instance})" if example_path else ""
        lines.append(f"{loc}: {message}{suffix}")
    details = lines[1:MAX_DETAILS]
    if len(lines) > MAX_DETAILS:
        details.append(f"... {len(lines) - MAX_DETAILS} more")
    raise Failure(tool, lines[0], details)


def escape_pointer_part(part) -> str:
    text = str(part).replace("~", "~0").replace("/", "~1")
    return quote(text, safe="~!$&'()*+,;=:@")


def check_embedded_examples(file: str, root: Optional[yaml.Node]) -> None:
    """Validate the examples openapi-examples-validator skips (see module docstring)."""
    tool = "openapi-schema-validator"
    with open(file, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    targets = []  # (example path parts, example value, schema path parts)

    def walk_schema(node, path):
        if not isinstance(node, dict) or "$ref" in node:
            return
        if "example" in node:
            targets.append((path + ["example"], node["example"], path))
        for name, sub in (node.get("properties") or {}).items():
            walk_schema(sub, path + ["properties", name])
        for key in ("items", "additionalProperties", "not"):
            if isinstance(node.get(key), dict):
                walk_schema(node[key], path + [key])
        for key in ("allOf", "oneOf", "anyOf"):
            for i, sub in enumerate(node.get(key) or []):
                walk_schema(sub, path + [key, i])

    def walk(node, path):
        if isinstance(node, dict):
            if isinstance(node.get("schema"), dict):
                in_content = len(path) >= 2 and path[-2] == "content"
                json_like = in_content and re.search(r"[/+]json", str(path[-1]))
                # JSON media types and parameters are openapi-examples-validator's job.
                if in_content and not json_like:
                    if "example" in node:
                        targets.append((path + ["example"], node["example"], path + ["schema"]))
                    for name, ex in (node.get("examples") or {}).items():
                        if isinstance(ex, dict) and "value" in ex:
                            targets.append((path + ["examples", name, "value"], ex["value"],
                                            path + ["schema"]))
                walk_schema(node["schema"], path + ["schema"])
            for key, value in node.items():
                if key == "schema":
                    continue
                if path == ["components"] and key == "schemas" and isinstance(value, dict):
                    for name, sub in value.items():
                        walk_schema(sub, ["components", "schemas", name])
                    continue
                walk(value, path + [key])
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, path + [i])

    walk(spec, [])
    problems = []
    for example_path, value, schema_path in targets:
        root_schema = dict(spec)
        root_schema["$ref"] = "#/" + "/".join(escape_pointer_part(p) for p in schema_path)
        validator = OAS30Validator(root_schema, format_checker=oas30_format_checker)
        try:
            errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        except Exception as exc:
            raise ref_failure(tool, file, root, exc)
        for err in errors:
            parts = example_path + list(err.absolute_path)
            problems.append(f"{where(file, node_at(root, parts))}: {err.message} "
                            f"(example {json_path(parts)})")
    if problems:
        details = problems[1:MAX_DETAILS]
        if len(problems) > MAX_DETAILS:
            details.append(f"... {len(problems) - MAX_DETAILS} more")
        raise Failure(tool, problems[0], details)


def check_file(file: str, examples_validator: str) -> None:
    try:
        with open(file, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise Failure("read", f"{file}: {exc.strerror or exc}")
    check_yaml(file, text)
    root = compose(text)
    check_spec(file, root)
    # Both example checks run, so one report shows every bad example.
    failures = []
    for check in (lambda: check_examples(file, root, examples_validator),
                  lambda: check_embedded_examples(file, root)):
        try:
            check()
        except Failure as fail:
            failures.append(fail)
    if failures:
        first = failures[0]
        details = list(first.details)
        for other in failures[1:]:
            details.append(f"[{other.tool}] {other.message}")
            details.extend(other.details)
        raise Failure(first.tool, first.message, details)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples-validator", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)

    failed = 0
    for file in args.files:
        shown = os.path.relpath(file) if os.path.isabs(file) else file
        try:
            check_file(shown, args.examples_validator)
        except Failure as fail:
            failed += 1
            print(f"FAIL {shown}: [{fail.tool}] {fail.message}", flush=True)
            for line in fail.details:
                print(f"       {line}", flush=True)
        else:
            print(f"ok   {shown}", flush=True)
    total = len(args.files)
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
