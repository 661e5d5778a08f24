{ lib, pkgs, xs, f, g }:
{
  # |> groups to the left: g (f xs)
  into = xs |> f |> g;
  # <| groups to the right: g (f xs)
  from = g <| f <| xs;
  # every other operator binds tighter: (map f (xs ++ [ 1 ])) |> lib.length
  tighter = xs ++ [ 1 ] |> map f |> lib.length;
  # a lambda or an if needs parentheses as an operand, but may hold a pipe in its body
  lambda = xs |> (x: x |> f);
  cond = if xs == [ ] then xs else xs |> f;
  nested = f <| (xs |> g);
  packages = with pkgs; [ hello ] |> lib.filter (p: p != null);
  compact = xs|>f;
}
