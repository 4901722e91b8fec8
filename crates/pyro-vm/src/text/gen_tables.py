"""Generates tables.rs (run: python3.11 gen_tables.py tables.rs) from CPython 3.11's unicodedata."""
import unicodedata, sys
assert unicodedata.unidata_version == '14.0.0'
def ranges(pred):
    out=[]; start=None
    for c in range(0x110000):
        ok = not (0xd800 <= c < 0xe000) and pred(chr(c))
        if ok and start is None: start=c
        if not ok and start is not None: out.append((start,c-1)); start=None
    if start is not None: out.append((start,0x10ffff))
    return out
tables = [
 ('ALPHA', 'str.isalpha: general categories Lu, Ll, Lt, Lm, Lo', str.isalpha),
 ('DECIMAL', 'str.isdecimal: general category Nd', str.isdecimal),
 ('DIGIT', 'str.isdigit: Numeric_Type Decimal or Digit', str.isdigit),
 ('NUMERIC', 'str.isnumeric: Numeric_Type Decimal, Digit or Numeric', str.isnumeric),
 ('SPACE', 'str.isspace: bidirectional class WS, B, S or category Zs', str.isspace),
 ('PRINTABLE', 'str.isprintable: everything except categories Cc Cf Cs Co Cn Zl Zp Zs (but space)', str.isprintable),
 ('XID_START', 'identifier start: XID_Start plus underscore', lambda c: c.isidentifier()),
 ('XID_CONTINUE', 'identifier continuation: XID_Continue', lambda c: ('a'+c).isidentifier()),
 ('TITLECASE', 'general category Lt (titlecase letters)', lambda c: unicodedata.category(c) == 'Lt'),
 ('CASE_IGNORABLE', 'Case_Ignorable (as used by the Final_Sigma rule of str.lower)',
  lambda c: (c + '\u03a3').lower()[-1] == '\u03c3' and ('A' + c + '\u03a3').lower()[-1] == '\u03c2'),
]
# decimal digit value must be (cp - range start) % 10
for lo, hi in ranges(str.isdecimal):
    for cp in range(lo, hi+1):
        assert unicodedata.decimal(chr(cp)) == (cp - lo) % 10, hex(cp)
o = []
o.append('//! Unicode property tables for the text algorithms.')
o.append('//!')
o.append('//! GENERATED from CPython 3.11 (`unicodedata.unidata_version == "14.0.0"`)')
o.append('//! so that character classification matches Python 3.11 exactly; do not')
o.append('//! edit by hand (regenerate with `python3.11 gen_tables.py tables.rs` in this folder).')
o.append('//! Each table is a sorted list of inclusive code point ranges.')
o.append('')
for name, doc, pred in tables:
    r = ranges(pred)
    o.append(f'/// {doc}.')
    o.append('#[rustfmt::skip]')
    o.append(f'pub(super) static {name}: &[(u32, u32)] = &[')
    items = [f'(0x{a:x}, 0x{b:x}),' for a, b in r]
    line = ''
    for it in items:
        if len(line) + len(it) + 1 > 116:
            o.append('    ' + line.rstrip()); line = ''
        line += it + ' '
    if line: o.append('    ' + line.rstrip())
    o.append('];')
    o.append('')
# titlecase mappings that differ from uppercase
tm = []
for cp in range(0x110000):
    if 0xd800 <= cp < 0xe000: continue
    c = chr(cp)
    if c.title() != c.upper():
        tm.append((cp, c.title()))
def esc(s): return ''.join(f'\\u{{{ord(ch):x}}}' for ch in s)
o.append('/// Characters whose full titlecase mapping differs from their full uppercase')
o.append('/// mapping (`c.title() != c.upper()` in Python), with the titlecase mapping.')
o.append('#[rustfmt::skip]')
o.append('pub(super) static TITLE_MAP: &[(u32, &str)] = &[')
line=''
for cp, t in tm:
    it = f'(0x{cp:x}, "{esc(t)}"),'
    if len(line) + len(it) + 1 > 116:
        o.append('    ' + line.rstrip()); line = ''
    line += it + ' '
if line: o.append('    ' + line.rstrip())
o.append('];')
open(sys.argv[1], 'w').write('\n'.join(o) + '\n')
