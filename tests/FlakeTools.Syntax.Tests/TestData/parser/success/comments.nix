# A comment before everything.
{
  # Own-line comment belongs to `a`.
  a = 1; # end-of-line comment belongs to `;`
  /* block */ b = /* inside */ 2;

  # After a blank line.
  c = [ # after bracket
    1 # one
    2
  ];
  /*
   * multi-line block
   */
  d = 4;
} # trailing
# final comment
