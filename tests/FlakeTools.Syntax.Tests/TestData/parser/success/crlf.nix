{ a, ... }:
{
  x = 1; # crlf
  y = "a
b";
  z = ''
    text ${a}
  '';
}
