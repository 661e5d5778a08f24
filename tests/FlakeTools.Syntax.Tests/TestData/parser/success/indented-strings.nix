{ a, b, ... }:
[
  ''
    first line
      indented more
    last ${a} here
  ''
  ''single line''
  ''
    escapes: ''$ ''' ''\n ''\t ''\x
    literal $x and $ and ' quote
    dollar-dollar: $${b}
  ''
  ''  spaces then text''
  ''

      blank line above is ignored for indentation
    ${a}
  ''
  ''
    trailing spaces line kept: ${b}
      ''
  ''''
]
