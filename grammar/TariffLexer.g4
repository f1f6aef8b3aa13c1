// Tokens of the Tariff pricing language.
//
// Keywords are kept few: words that only mean something in one place
// (aggregations, rounding modes, column types) are plain names, checked by
// the front end so a typo gets a "did you mean" rather than a parse error.
lexer grammar TariffLexer;

SCHEME   : 'scheme';
VERSION  : 'version';
CURRENCY : 'currency';
ROUNDING : 'rounding';
PER      : 'per';
USAGE    : 'usage';
METER    : 'meter';
CHARGE   : 'charge';
FLAT     : 'flat';
GRADUATED : 'graduated';
VOLUME   : 'volume';
BAND     : 'band';
BLOCKS   : 'blocks';
FIRST    : 'first';
NEXT     : 'next';
UP       : 'up';
TO       : 'to';
ABOVE    : 'above';
FREE     : 'free';
PERIOD   : 'period';
OVER     : 'over';
OF       : 'of';
ROUNDED  : 'rounded';
CLASS    : 'class';
OTHERWISE : 'otherwise';
BY       : 'by';
ALLOWANCE : 'allowance';
DRAWS    : 'draws';
AFTER    : 'after';
WITH     : 'with';
AT       : 'at';
ON       : 'on';
INCLUDED : 'included';
TEST     : 'test';
CREDIT   : 'credit';
IMPORT   : 'import';
EDITION  : 'edition';
MODULE   : 'module';
PACKAGE  : 'package';
SCHEDULE : 'schedule';
EXPECT   : 'expect';
RECORD   : 'record';
WHERE    : 'where';
OPTIONAL : 'optional';
DEFAULT  : 'default';
AND      : 'and';
OR       : 'or';
NOT      : 'not';
IF       : 'if';
THEN     : 'then';
ELSE     : 'else';
TRUE     : 'true';
FALSE    : 'false';

LBRACE  : '{';
RBRACE  : '}';
LPAREN  : '(';
RPAREN  : ')';
LBRACK  : '[';
RBRACK  : ']';
COMMA   : ',';
DOT     : '.';
PLUS    : '+';
ARROW   : '->';
MINUS   : '-';
STAR    : '*';
SLASH   : '/';
PERCENT : '%';
EQ      : '==';
NE      : '!=';
LE      : '<=';
GE      : '>=';
LT      : '<';
GT      : '>';
ASSIGN  : '=';

// Exact decimal literals; `_` groups digits (1_000). Converted digit by
// digit by the front end, never through floating point.
NUMBER : DIGITS ('.' DIGITS)? ;
fragment DIGITS : [0-9]+ ('_' [0-9]+)* ;

STRING : '"' (ESCAPE | ~["\\\r\n])* '"' ;
// A string cut off by the end of the line: one clear error instead of a
// string that swallows the rest of the file.
UNTERMINATED_STRING : '"' (ESCAPE | ~["\\\r\n])* ;
fragment ESCAPE : '\\' ["\\nt] ;

IDENT : [a-zA-Z] [a-zA-Z0-9_]* ;

// Comments stay in the token stream (hidden) so `tariff fmt` keeps them.
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS      : [ \t\r\n]+ -> channel(HIDDEN) ;

// Anything else reaches the parser as one token, so the error names the
// character and its place instead of a lexer dump.
ERROR_CHAR : . ;
