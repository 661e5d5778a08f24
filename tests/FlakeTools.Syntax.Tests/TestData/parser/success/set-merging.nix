{ x }:
{
  # a literal set and an attribute path at one name merge
  a.b = 1;
  a = { c = 2; };
  d = { e = 1; };
  d.f = 2;
  g = rec { h = 1; };
  g.i = 2;
  j = ({ k = 1; });
  j.l = 2;
  # two literal sets merge too, and so do two empty ones
  m = { n = 1; };
  m = { o = 2; inherit x; };
  p = { };
  p = { };
  # dynamic names never clash at parse time
  ${x}.q = 1;
  ${x}.q = 2;
}
