#!/usr/bin/env python3
"""Heap per hero by class and by owner, from two runs of bench/heap-per-hero.sh (N and 2N heroes).

  heap-owners.py <prefix N> <prefix 2N> <N>

By class: the two `jcmd GC.class_histogram` outputs, subtracted, divided by N. By owner: each object
of each heap dump (HPROF, live objects) is charged to the nearest object above it that is not a
JDK collection, string, array, box or lambda of the JDK (following the first reference found to
it), shown as `Class.field`; an object of such a class is its own owner. Sizes are shallow sizes
with compressed oops and class pointers (12-byte headers, 4-byte references, 8-byte alignment),
which is what the histogram reports on a heap under 32 GB. Owners are then grouped by module.
"""
import collections
import re
import struct
import sys

TYPE_SIZE = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
PRIMITIVE_ARRAY = {4: "boolean[]", 5: "char[]", 6: "float[]", 7: "double[]", 8: "byte[]",
                   9: "short[]", 10: "int[]", 11: "long[]"}
GENERIC = ("java.util.", "java.lang.String", "java.lang.Long", "java.lang.Integer",
           "java.lang.Object", "java.lang.Boolean", "java.lang.invoke", "java.lang.ref.",
           "jdk.internal.")


def owners(path):
    """{(owner, class): [bytes, instances]} for one HPROF file."""
    with open(path, "rb") as f:
        data = f.read()
    i = data.index(b"\0") + 1
    idsize = struct.unpack(">I", data[i:i + 4])[0]
    i += 12
    fmt = ">Q" if idsize == 8 else ">I"
    ref = lambda at: struct.unpack_from(fmt, data, at)[0]
    sizes = {**TYPE_SIZE, 2: idsize}
    strings, names, classes, objects = {}, {}, {}, {}
    while i < len(data):
        tag, length = data[i], struct.unpack_from(">I", data, i + 5)[0]
        body, i = i + 9, i + 9 + length
        if tag == 0x01:
            strings[ref(body)] = data[body + idsize:i].decode("utf8", "replace")
        elif tag == 0x02:
            names[ref(body + 4)] = strings.get(ref(body + 8 + idsize), "?").replace("/", ".")
        elif tag in (0x0C, 0x1C):
            j = body
            while j < i:
                sub = data[j]
                j += 1
                if sub in (0xFF, 0x05, 0x07):
                    j += idsize
                elif sub == 0x01:
                    j += 2 * idsize
                elif sub in (0x02, 0x03, 0x08):
                    j += idsize + 8
                elif sub in (0x04, 0x06):
                    j += idsize + 4
                elif sub == 0x20:  # class dump
                    cid, sup = ref(j), ref(j + 4 + idsize)
                    j += 4 + 7 * idsize + 4  # serial, 7 ids, instance size
                    count = struct.unpack_from(">H", data, j)[0]  # constant pool
                    j += 2
                    for _ in range(count):
                        j += 3 + sizes[data[j + 2]]
                    count = struct.unpack_from(">H", data, j)[0]  # static fields
                    j += 2
                    for _ in range(count):
                        j += idsize + 1 + sizes[data[j + idsize]]
                    count = struct.unpack_from(">H", data, j)[0]  # instance fields
                    j += 2
                    fields = []
                    for _ in range(count):
                        fields.append((strings.get(ref(j), "?"), data[j + idsize]))
                        j += idsize + 1
                    classes[cid] = (sup, fields)
                elif sub == 0x21:  # instance
                    oid, cid = ref(j), ref(j + 4 + idsize)
                    length = struct.unpack_from(">I", data, j + 4 + 2 * idsize)[0]
                    objects[oid] = (cid, "I", j + 8 + 2 * idsize)
                    j += 8 + 2 * idsize + length
                elif sub == 0x22:  # object array
                    oid = ref(j)
                    count = struct.unpack_from(">I", data, j + 4 + idsize)[0]
                    objects[oid] = (ref(j + 8 + idsize), "A", j + 8 + 2 * idsize, count)
                    j += 8 + 2 * idsize + count * idsize
                elif sub == 0x23:  # primitive array
                    oid = ref(j)
                    count = struct.unpack_from(">I", data, j + 4 + idsize)[0]
                    kind = data[j + 8 + idsize]
                    objects[oid] = (("prim", kind), "P", count)
                    j += 9 + idsize + count * TYPE_SIZE[kind]
                else:
                    raise ValueError("unknown heap dump record %#x" % sub)

    layouts = {}

    def layout(cid):
        if cid not in layouts:
            fields, c = [], cid
            while c in classes:
                fields.extend(classes[c][1])
                c = classes[c][0]
            layouts[cid] = fields
        return layouts[cid]

    def name(cid):
        return PRIMITIVE_ARRAY[cid[1]] if isinstance(cid, tuple) else names.get(cid, "?")

    def shallow(obj):
        if obj[1] == "I":
            size = 12 + sum(4 if t == 2 else TYPE_SIZE[t] for _, t in layout(obj[0]))
        elif obj[1] == "A":
            size = 16 + 4 * obj[3]
        else:
            size = 16 + obj[2] * TYPE_SIZE[obj[0][1]]
        return (size + 7) // 8 * 8

    parent = {}
    for oid, obj in objects.items():
        if obj[1] == "I":
            at = obj[2]
            for field, t in layout(obj[0]):
                if t == 2:
                    target = ref(at)
                    if target and target not in parent:
                        parent[target] = (oid, field)
                    at += idsize
                else:
                    at += TYPE_SIZE[t]
        elif obj[1] == "A":
            for k in range(obj[3]):
                target = ref(obj[2] + k * idsize)
                if target and target not in parent:
                    parent[target] = (oid, "[]")

    def generic(cid):
        if isinstance(cid, tuple):
            return True
        n = names.get(cid, "?")
        return n.startswith("[") or n.startswith(GENERIC)

    resolved = {}

    def owner_of(oid):
        chain, seen, at, found = [], {oid}, oid, None
        while found is None:
            up = parent.get(at)
            if up is not None and up[0] in seen:
                found = "(a cycle of JDK objects)"
            elif up is None:
                found = "(a GC root or a static field)"
            elif up[0] in resolved:
                found = resolved[up[0]]
            elif up[0] not in objects:
                found = "(a GC root or a static field)"
            elif not generic(objects[up[0]][0]):
                found = name(objects[up[0]][0]) + "." + up[1]
            else:
                chain.append(up[0])
                seen.add(up[0])
                at = up[0]
        for c in chain:
            resolved[c] = found
        return found

    table = collections.defaultdict(lambda: [0, 0])
    for oid, obj in objects.items():
        cls = name(obj[0])
        owner = cls if not generic(obj[0]) else owner_of(oid)
        row = table[(lambda_free(owner), lambda_free(cls))]
        row[0] += shallow(obj)
        row[1] += 1
    return table


def lambda_free(text):
    return re.sub(r"\$\$Lambda[+/]0x[0-9a-f]+", "$$Lambda", text)


def histogram(path):
    rows = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            count, size = rows.get(lambda_free(m.group(3)), (0, 0))
            rows[lambda_free(m.group(3))] = (count + int(m.group(1)), size + int(m.group(2)))
    return rows


def module(owner):
    for prefix, label in (("io.netty", "Netty"), ("java.net", "Netty"),
                          ("dev.rollcall.channels", "channels"), ("dev.rollcall.pubsub", "pubsub"),
                          ("dev.rollcall.presence", "presence"), ("dev.rollcall.dispatch", "dispatch")):
        if owner.startswith(prefix):
            return label
    return "other: " + owner


def kind(cls):
    if cls in ("java.lang.String", "byte[]", "[B"):
        return "strings"
    if cls.startswith(("java.util", "[Ljava.util", "java.lang.Long")) or cls == "[Ljava.lang.Object;":
        return "JDK collections"
    return "objects"


def main():
    small, large, n = sys.argv[1], sys.argv[2], float(sys.argv[3])
    a, b = histogram(small + ".histogram.txt"), histogram(large + ".histogram.txt")
    rows = sorted(((b.get(k, (0, 0))[1] - a.get(k, (0, 0))[1]) / n,
                   (b.get(k, (0, 0))[0] - a.get(k, (0, 0))[0]) / n, k) for k in set(a) | set(b))
    print("== by class (histograms): %.0f bytes per hero" % sum(r[0] for r in rows))
    for size, count, cls in reversed(rows[-40:]):
        print("%8.1f B %6.2f  %s" % (size, count, cls))
    a, b = owners(small + ".hprof"), owners(large + ".hprof")
    groups = collections.defaultdict(lambda: collections.Counter())
    for key in set(a) | set(b):
        size = (b[key][0] if key in b else 0) - (a[key][0] if key in a else 0)
        owner, cls = key
        groups[module(owner)][(kind(cls), owner)] += size / n
    total = sum(sum(g.values()) for g in groups.values())
    print("\n== by owner (heap dumps): %.0f bytes per hero" % total)
    for label, rows in sorted(groups.items(), key=lambda g: -sum(g[1].values())):
        size = sum(rows.values())
        if abs(size) < 4:
            continue
        print("%-50s %7.0f" % (label[:50], size))
        if not label.startswith("other"):
            for (what, owner), part in sorted(rows.items(), key=lambda r: -r[1]):
                if abs(part) >= 8:
                    print("    %-16s %6.0f  %s" % (what, part, owner))


main()
