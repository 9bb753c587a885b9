"""Integrity check for the reference CSVs in this folder (stdlib only).

Run: python cases/data/validate.py  -> prints row counts and OK, raises AssertionError otherwise.
"""
import csv, collections, datetime
import os
D=os.path.dirname(os.path.abspath(__file__))
def load(n): 
    with open(f'{D}/{n}', encoding='utf-8', newline='') as f:
        r = csv.DictReader(f); rows = list(r)
    for row in rows: assert None not in row and all(v is not None for v in row.values()), (n,row)
    return rows
def uniq(rows, *keys, n=''):
    c = collections.Counter(tuple(r[k] for k in keys) for r in rows)
    d = [k for k,v in c.items() if v>1]; assert not d, (n, d)
def dates(rows, cols, n):
    for r in rows:
        for c in cols:
            if r[c]: datetime.date.fromisoformat(r[c])
        if 'valid_from' in cols and r['valid_from'] and r.get('valid_to') and r['valid_from']>r['valid_to']: raise AssertionError((n,r))
reg=load('regions.csv'); uniq(reg,'code',n='regions')
rc={r['code'] for r in reg}
assert all(r['parent_code'] in rc for r in reg if r['level']!='national')
print('regions', collections.Counter(r['level'] for r in reg))
ag=load('agencies.csv'); uniq(ag,'code',n='agencies'); ac={r['code'] for r in ag}
for r in ag:
    assert r['region_code'] in rc, r; assert not r['parent_code'] or r['parent_code'] in ac, r
    assert r['kind'] in {'skb','bawaslu_office','central','regional','president'}
dates(ag,['valid_from','valid_to'],'agencies')
print('agencies', len(ag), collections.Counter(r['kind'] for r in ag))
sb=load('supervisory_bodies.csv'); uniq(sb,'code'); dates(sb,['valid_from','valid_to'],'sb')
assert all(not r['agency_code'] or r['agency_code'] in ac for r in sb)
el=load('elections.csv'); uniq(el,'slug'); dates(el,['voting_date','starts_on','ends_on'],'el')
es=load('election_stages.csv'); uniq(es,'election_slug','slug'); dates(es,['starts_on','ends_on'],'es')
sl={r['slug'] for r in el}; assert all(r['election_slug'] in sl for r in es)
for r in es: assert r['starts_on']<=r['ends_on'], r
assert all(r['region_scope'] in rc for r in el)
vt=load('violation_types.csv'); uniq(vt,'code'); vc={r['code'] for r in vt}
for r in vt:
    assert not r['parent_code'] or r['parent_code'] in vc
    assert r['ethics_default'] in {'moral',''} and r['discipline_default'] in {'light','moderate','heavy','ptdh','none_set',''}
    assert r['social_media'] in {'true','false'}
    assert all(p in {'pre_candidacy','campaign','post_campaign'} for p in filter(None,r['phase'].split(';')))
st=load('sanction_types.csv'); uniq(st,'code'); dates(st,['valid_from','valid_to'],'st')
for r in st: assert r['category'] in {'moral','disciplinary'} and r['level'] in {'closed','open','light','moderate','heavy','ptdh'} and r['employee_type'] in {'pns','pppk','any'}
dr=load('deadline_rules.csv'); uniq(dr,'code','election_type','valid_from'); dates(dr,['valid_from','valid_to'],'dr')
for r in dr: assert r['unit'] in {'working','calendar','hours',''} and r['election_type'] in {'pemilu','pilkada','any'} and (r['length']=='' or r['length'].isdigit())
hx=load('holidays_extra.csv')
for n,rows in [('sb',sb),('el',el),('es',es),('vt',vt),('st',st),('dr',dr),('hx',hx)]: print(n,len(rows))
print('OK')
