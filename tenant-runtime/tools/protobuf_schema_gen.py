#!/usr/bin/env python3
"""Generate the protobuf wire schema used by tenant-runtime/src/apiserver/protobuf.rs.

Inputs: the Kubernetes API type packages of one release (k8s.io/api, k8s.io/apimachinery,
k8s.io/apiextensions-apiserver, k8s.io/kube-aggregator, k8s.io/metrics), unpacked under
ROOT/<repo>/... .  From each package it reads
  * generated.proto  -> message names, field numbers, protobuf scalar/message/map types;
  * the Go structs   -> JSON name, omitempty/omitzero, pointer/value/slice shape, inline
                        embedding, field order (Go's JSON field order);
  * doc.go           -> API group name;
  * register.go      -> which types are kinds of the package's group version.
and prints the schema text (format documented in protobuf.rs) on stdout.

Usage: gen.py ROOT
"""

import os
import re
import sys

ROOT = sys.argv[1]

# go import path prefix -> directory under ROOT
REPOS = {
    "k8s.io/api/": "api/",
    "k8s.io/apimachinery/": "apimachinery/",
    "k8s.io/apiextensions-apiserver/": "apiextensions-apiserver/",
    "k8s.io/kube-aggregator/": "kube-aggregator/",
    "k8s.io/metrics/": "metrics/",
}
SKIP_PACKAGES = {"apimachinery.pkg.apis.testapigroup.v1"}
# messages whose JSON form is custom (protobuf.rs handles them by name); their fields are
# taken from the proto alone.
SPECIAL = {
    "apimachinery.pkg.apis.meta.v1.Time",
    "apimachinery.pkg.apis.meta.v1.MicroTime",
    "apimachinery.pkg.apis.meta.v1.Duration",
    "apimachinery.pkg.apis.meta.v1.FieldsV1",
    "apimachinery.pkg.util.intstr.IntOrString",
    "apimachinery.pkg.api.resource.Quantity",
    "apimachinery.pkg.api.resource.QuantityValue",
    "apimachinery.pkg.runtime.RawExtension",
    "apimachinery.pkg.runtime.Unknown",
}
for v in ("v1", "v1beta1"):
    for n in ("JSON", "JSONSchemaPropsOrArray", "JSONSchemaPropsOrBool", "JSONSchemaPropsOrStringArray"):
        SPECIAL.add(f"apiextensions_apiserver.pkg.apis.apiextensions.{v}.{n}")
SCALARS = {"string", "int32", "int64", "bool", "double", "bytes"}
META = "apimachinery.pkg.apis.meta.v1"


def die(msg):
    sys.exit("gen.py: " + msg)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] if not line.lstrip().startswith("//") else "" for line in text.split("\n"))


# ---------------------------------------------------------------- protos
class Msg:
    def __init__(self, pkg, name):
        self.pkg, self.name = pkg, name
        self.fields = {}  # tag -> (label, type, name)  label: optional|repeated|required|map


def parse_proto(path):
    text = open(path).read()
    pkg = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    assert pkg.startswith("k8s.io."), pkg
    pkg = pkg[len("k8s.io."):]
    go_package = re.search(r'option go_package = "([^"]+)";', text).group(1)
    body = strip_comments(text)
    msgs = {}
    for m in re.finditer(r"message (\w+) \{(.*?)\n\}", body, re.S):
        msg = Msg(pkg, m.group(1))
        for line in m.group(2).split("\n"):
            line = line.strip()
            if not line:
                continue
            f = re.fullmatch(r"(optional|repeated|required) ([\w.]+) (\w+) = (\d+);", line)
            if f:
                label, ty, name, tag = f.groups()
            else:
                f = re.fullmatch(r"map<string, ([\w.]+)> (\w+) = (\d+);", line)
                if not f:
                    die(f"{path}: cannot parse proto line {line!r}")
                label = "map"
                ty, name, tag = f.groups()
            if ty not in SCALARS:
                ty = ty[len(".k8s.io."):] if ty.startswith(".k8s.io.") else pkg + "." + ty
            msg.fields[int(tag)] = (label, ty, name)
        msgs[msg.name] = msg
    return pkg, go_package, msgs


# ---------------------------------------------------------------- go
class GoField:
    def __init__(self, name, ty, json, opts, tag, embedded):
        self.name, self.ty, self.json, self.opts, self.tag, self.embedded = name, ty, json, opts, tag, embedded


GO_DIRS = {}


def go_imports(text):
    imports = {}
    for m in re.finditer(r'^\s*(?:import\s+)?(\w+\s+)?"(k8s\.io/[^"]+)"', text, re.M):
        path = m.group(2)
        alias = (m.group(1) or "").strip() or path.rsplit("/", 1)[1]
        imports[alias] = path
    return imports


def go_dir_of(path):
    for prefix, sub in REPOS.items():
        if path.startswith(prefix):
            return os.path.join(ROOT, sub + path[len(prefix):])
    return None


def struct_fields(d, name):
    """Go fields of struct `name` in directory d, following `type X otherpkg.Y` definitions."""
    if d not in GO_DIRS:
        GO_DIRS[d] = parse_go_dir(d)
    structs, named, imports = GO_DIRS[d]
    if name in structs:
        if structs[name] is None:
            die(f"{d}: cannot parse go struct {name}")
        return structs[name]
    target = named.get(name, "").lstrip("= ").strip()
    m = re.fullmatch(r"(\w+)\.(\w+)", target)
    if m and m.group(1) in imports.get(name, {}):
        other = go_dir_of(imports[name][m.group(1)])
        if other:
            return struct_fields(other, m.group(2))
    return None


def parse_go_dir(d):
    structs, named, imports = {}, {}, {}
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".go") or fn.endswith("_test.go"):
            continue
        text = strip_comments(open(os.path.join(d, fn)).read())
        file_imports = go_imports(text)
        for m in re.finditer(r"^type (\w+) (\S.*)$", text, re.M):
            name, rest = m.group(1), m.group(2)
            imports[name] = file_imports
            if rest.strip() == "struct{}":
                structs[name] = []
            elif rest.startswith("struct {"):
                start = m.end()
                depth, i = 1, start
                while depth:
                    c = text[i]
                    depth += c == "{"
                    depth -= c == "}"
                    i += 1
                fields = []
                for line in text[start : i - 1].split("\n"):
                    if fields is None:
                        break
                    line = line.strip()
                    if not line:
                        continue
                    f = re.fullmatch(r"(?:(\w+)\s+)?([^\s`]+)\s*(`[^`]*`)?", line)
                    if not f:
                        fields = None  # not an API type we can read; an error if a proto uses it
                        continue
                    fname, fty, tags = f.groups()
                    tags = tags or ""
                    pb = re.search(r'protobuf:"([^"]*)"', tags)
                    js = re.search(r'json:"([^"]*)"', tags)
                    if not pb or pb.group(1) == "-":
                        continue
                    parts = pb.group(1).split(",")
                    tag = int(parts[1])
                    jparts = js.group(1).split(",") if js else [fname or fty.split(".")[-1]]
                    fields.append(GoField(fname, fty, jparts[0], set(jparts[1:]), tag, fname is None))
                if name in structs and name != "FieldsV1":
                    die(f"{d}: duplicate struct {name}")
                structs[name] = fields
            else:
                named[name] = rest.strip()
    return structs, named, imports


# ---------------------------------------------------------------- main
def main():
    packages = []  # (pkg, go_dir, msgs)
    for top in sorted(os.listdir(ROOT)):
        for dirpath, _, files in sorted(os.walk(os.path.join(ROOT, top))):
            if "generated.proto" in files:
                pkg, go_package, msgs = parse_proto(os.path.join(dirpath, "generated.proto"))
                if pkg in SKIP_PACKAGES:
                    continue
                for prefix, sub in REPOS.items():
                    if go_package.startswith(prefix):
                        go_dir = os.path.join(ROOT, sub + go_package[len(prefix):])
                        break
                else:
                    die("unknown go package " + go_package)
                assert os.path.samefile(go_dir, dirpath), (go_dir, dirpath)
                packages.append((pkg, go_dir, msgs))
    packages.sort(key=lambda p: p[0])
    all_msgs = {f"{pkg}.{name}" for pkg, _, msgs in packages for name in msgs}

    out = []
    problems = []
    meta_group_versions = []
    for pkg, go_dir, msgs in packages:
        struct_fields(go_dir, "")
        _, named, _ = GO_DIRS[go_dir]
        group = version = None
        reg = os.path.join(go_dir, "register.go")
        if os.path.exists(reg):
            text = strip_comments(open(reg).read())
            g = re.search(r'^const GroupName = "([^"]*)"', text, re.M)
            v = re.search(r'SchemeGroupVersion = schema\.GroupVersion\{Group: GroupName, Version: "(\w+)"\}', text)
            if g and v:
                group, version = g.group(1), v.group(1)
        api_version = None
        kinds = set()
        if group is not None:
            api_version = f"{group}/{version}" if group else version
            for call in re.finditer(r"AddKnownTypes\(\s*SchemeGroupVersion,(.*?)\)\n", text, re.S):
                for k in re.finditer(r"&(\w+)\{\}", call.group(1)):
                    kinds.add(k.group(1))
            if "metav1.AddToGroupVersion(scheme, SchemeGroupVersion)" in text:
                meta_group_versions.append(api_version)
            if pkg == META:
                # AddMetaToScheme, plus the options types registered unversioned in meta.k8s.io/v1.
                kinds |= {"ListOptions", "GetOptions", "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions"}
            for k in sorted(kinds - set(msgs)):
                problems.append(f"kind {api_version} {k} has no protobuf message")
            kinds &= set(msgs)
        out.append(f"package {pkg} {api_version or '-'}")
        for name in sorted(msgs):
            msg = msgs[name]
            flags = ""
            if name in kinds:
                flags += "+"
            go_named = named.get(name, "")
            special = f"{pkg}.{name}" in SPECIAL
            gofields = struct_fields(go_dir, name)
            if gofields is None or special:
                if go_named.startswith("[]") and list(msg.fields) == [1] and msg.fields[1][0] == "repeated":
                    flags += "@"
                    label, ty, _ = msg.fields[1]
                    out.append(f"{flags}{name} 1:items:*{ref(ty, pkg)}")
                    continue
                if not special:
                    problems.append(f"{pkg}.{name}: no Go struct (go type {go_named!r}); fields from proto only")
                toks = []
                for tag, (label, ty, pname) in sorted(msg.fields.items()):
                    shape = {"optional": "?", "required": "?", "repeated": "*", "map": "%"}[label]
                    toks.append(f"{tag}:{pname}:{shape}{ref(ty, pkg)}")
                out.append(" ".join([flags + name] + toks))
                continue
            seen = set()
            toks = []
            for gf in gofields:
                if gf.tag not in msg.fields:
                    die(f"{pkg}.{name}: go field {gf.name} tag {gf.tag} not in proto")
                seen.add(gf.tag)
                label, ty, pname = msg.fields[gf.tag]
                gty = gf.ty
                inline = gf.embedded and gf.json == ""
                if gf.json == "-":
                    die(f"{pkg}.{name}.{gf.name}: json:\"-\" on a protobuf field")
                if label == "repeated":
                    if not (gty.startswith("[]") or named.get(gty, "").startswith("[]") or gty in ("Verbs",)):
                        problems.append(f"{pkg}.{name}.{gf.name}: repeated proto field with go type {gty}")
                    shape = "*"
                elif label == "map":
                    if not (gty.startswith("map[") or named.get(gty.lstrip("*"), "").startswith("map[") or "." in gty):
                        problems.append(f"{pkg}.{name}.{gf.name}: map proto field with go type {gty}")
                    shape = "%"
                elif gty.startswith("*"):
                    shape = "?"
                elif gty == "[]byte":
                    shape = "="
                    if ty != "bytes":
                        die(f"{pkg}.{name}.{gf.name}: []byte with proto type {ty}")
                elif gty.startswith("[]") or gty.startswith("map["):
                    die(f"{pkg}.{name}.{gf.name}: go {gty} for non-repeated proto {ty}")
                else:
                    shape = "="
                fl = ""
                if "omitempty" not in gf.opts:
                    fl += "!"
                if "omitzero" in gf.opts:
                    fl += "~"
                if inline:
                    if shape != "=" or ty in SCALARS:
                        die(f"{pkg}.{name}.{gf.name}: inline field must be a value struct")
                    json = ""
                else:
                    json = gf.json
                    if json != pname:
                        problems.append(f"{pkg}.{name}: json name {json} differs from proto name {pname}")
                if ty not in SCALARS and ty not in all_msgs:
                    die(f"{pkg}.{name}.{gf.name}: unknown message type {ty}")
                toks.append(f"{gf.tag}:{json}:{shape}{ref(ty, pkg)}{fl}")
            missing = set(msg.fields) - seen
            if missing:
                die(f"{pkg}.{name}: proto fields {sorted(missing)} without go field")
            out.append(" ".join([flags + name] + toks))
    print("\n".join(out))
    print("meta " + " ".join(meta_group_versions))
    for p in problems:
        print("PROBLEM " + p, file=sys.stderr)


def ref(ty, pkg):
    if ty in SCALARS:
        return ty
    if ty.startswith(pkg + ".") and "." not in ty[len(pkg) + 1 :]:
        return ty[len(pkg) + 1 :]
    return ty


main()
