// Syntax of the Tariff pricing language. No actions: the front end builds
// its own AST from the labelled alternatives.
parser grammar TariffParser;

options { tokenVocab = TariffLexer; }

schemeFile
  : schemeHeader? declaration* EOF
  ;

schemeHeader
  : SCHEME name=STRING VERSION version=STRING
  ;

declaration
  : CURRENCY code=IDENT                                   # currencyDecl
  | ROUNDING roundingMode=IDENT (PER stage=IDENT)?                # roundingDecl
  | USAGE LBRACE column* RBRACE                           # usageDecl
  | METER name=IDENT ASSIGN meterBody                     # meterDecl
  | CHARGE name=STRING ASSIGN chargeBody                  # chargeDecl
  ;

column
  : name=IDENT type=IDENT OPTIONAL? (DEFAULT literal)?
  ;

// `sum quantity where event == "audio"`, `count where ...`
meterBody
  : aggregate=IDENT expr? (WHERE filter=expr)?
  ;

chargeBody
  : FLAT amount=expr                                      # flatCharge
  | meter=IDENT AT price=expr (PER unit=expr)?            # perUnitCharge
  ;

expr
  : LPAREN expr RPAREN                                    # parenExpr
  | callee=IDENT LPAREN (expr (COMMA expr)*)? RPAREN      # callExpr
  | MINUS expr                                            # negateExpr
  | expr op=(STAR | SLASH) expr                           # mulExpr
  | expr op=(PLUS | MINUS) expr                           # addExpr
  | expr op=(EQ | NE | LT | LE | GT | GE) expr            # compareExpr
  | NOT expr                                              # notExpr
  | expr AND expr                                         # andExpr
  | expr OR expr                                          # orExpr
  | IF expr THEN expr ELSE expr                           # ifExpr
  | literal                                               # literalExpr
  | IDENT                                                 # nameExpr
  ;

literal
  : NUMBER PERCENT?                                       # numberLiteral
  | STRING                                                # stringLiteral
  | (TRUE | FALSE)                                        # boolLiteral
  ;
