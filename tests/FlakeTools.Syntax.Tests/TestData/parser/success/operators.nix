{ a, b, c, d, ... }:
{
  arith = a + b * c - d / a;
  neg = -a + -b.c * - c;
  notEq = !a == b;
  notPlus = ! a + b;
  logic = a && b || c && d -> a -> b;
  compare = [ (a < b) (a > b) (a <= b) (a >= b) (a == b) (a != b) ];
  concat = a ++ b ++ c;
  update = a // b // c;
  has = a ? b.c && b ? "quoted";
  hasNeg = -a ? b;
  mixed = a + b ++ c;
  app = a b c + d a;
  doubleNeg = - - a;
  notNot = !!a;
}
