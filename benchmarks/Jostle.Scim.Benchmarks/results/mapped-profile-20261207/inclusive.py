import re,sys,collections
text=open(sys.argv[1]).read()
samples=[]
for block in re.split(r'\n\s*\n',text):
    lines=[l for l in block.split('\n') if l.strip()]
    if not lines: continue
    frames=[]
    for l in lines[1:]:
        m=re.match(r'^\s*[0-9a-f]+\s+(.*?)(?:\s+\((.*)\))?$',l)
        frames.append(m.group(1) if m else l.strip())
    samples.append(frames)
N=len(samples); print("samples",N)
incl=collections.Counter(); self_=collections.Counter()
for f in samples:
    seen=set()
    for x in f:
        x=re.sub(r'\+0x[0-9a-f]+$','',x)
        x=re.sub(r'\[[^\]]*\]$','',x) if 'unknown' not in x else x
        if x not in seen: incl[x]+=1; seen.add(x)
    if f: self_[re.sub(r'\+0x[0-9a-f]+$','',f[0])]+=1
pat=sys.argv[2] if len(sys.argv)>2 else None
print("## inclusive top")
for k,c in incl.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 80):
    if pat is None or re.search(pat,k): print(f"{100*c/N:5.1f}% {k[:200]}")
print("## self top")
for k,c in self_.most_common(30): print(f"{100*c/N:5.1f}% {k[:160]}")
