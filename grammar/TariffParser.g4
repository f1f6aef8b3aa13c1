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

// An adjustment is named by its kind, a plain word the checker knows:
//   minimum 1_000.00 | cap 500.00 on "Messages" | discount "Launch" 10%
//   tax "VAT" 19% | tax "VAT" 19% included | prepaid "Promo credits" on "Messages"
// The amount is optional here: a prepaid wallet has none (its balance is in
// the accounts file), and the checker asks the other kinds for theirs.
declaration
  : IMPORT module=STRING                                  # importDecl
  | CURRENCY code=IDENT                                   # currencyDecl
  | ROUNDING roundingMode=IDENT (PER stage=IDENT)?                # roundingDecl
  // `period calendar month "+08:00", settle daily, months of 30 days`
  | PERIOD calendar=IDENT unit=IDENT (zone=IDENT | zoneText=STRING)?
      (COMMA periodOption)*                               # periodDecl
  | USAGE LBRACE column* RBRACE                           # usageDecl
  | CLASS name=IDENT LPAREN input=IDENT RPAREN LBRACE band* RBRACE  # classDecl
  | METER name=IDENT ASSIGN meterBody                     # meterDecl
  | ALLOWANCE name=IDENT ASSIGN amount=NUMBER PER renewal=(IDENT | PERIOD)
      DRAWS draw (COMMA draw)*                            # allowanceDecl
  | CHARGE name=STRING ASSIGN chargeBody                  # chargeDecl
  // `edition pro { fee 699.00 monthly; includes free_mau 10_000 }`,
  // `module recording { fee 49.00 monthly }`: what an account's
  // subscription (the accounts file) brings it.
  | plan=(EDITION | MODULE) name=IDENT LBRACE planItem* RBRACE  # planDecl
  // `package minutes = 250_000 for 227.00, valid 1 month draws audio_min, video_min[hd] * 4`
  | PACKAGE name=IDENT ASSIGN amount=NUMBER forWord=(IDENT | AT) price=NUMBER COMMA
      validWord=IDENT validity=NUMBER validUnit=IDENT DRAWS draw (COMMA draw)*  # packageDecl
  | kind=IDENT label=STRING? amount=signedNumber? INCLUDED?
      (ON charges+=STRING (COMMA charges+=STRING)*)?      # adjustmentDecl
  | TEST name=STRING LBRACE testItem* RBRACE              # testDecl
  // `credit "SLA" = sla.tiered(outages) on "Voice" with cap_percent = 100 { (99.9, 10) }`
  // ... with its table written out, or a published one: `schedule twilio_2021`
  | CREDIT name=STRING ASSIGN creditRule=pluginName LPAREN meterRef RPAREN
      (ON charges+=STRING (COMMA charges+=STRING)*)? pluginParams?
      (LBRACE pluginRow* RBRACE | SCHEDULE schedule=IDENT) # creditDecl
  // `schedule twilio_2021 { (99.95, 10) }`: a credit table, named so that
  // schemes and standard-library modules can share it
  | SCHEDULE name=IDENT LBRACE pluginRow* RBRACE          # scheduleDecl
  ;

// One item of an edition or module. The words are checked by the checker:
//   fee 699.00 monthly | fee 6_990.00 annual | seat 8.00 monthly
//   annual discount 15% | includes free_mau 10_000 | minimum seats 10
//   whole months | charge "Moderation" = messages at 0.002
planItem
  : CHARGE name=STRING ASSIGN chargeBody                  # planCharge
  | word=IDENT price=NUMBER cycle=IDENT                   # planFee
  | word=IDENT target=IDENT amount=signedNumber           # planAmount
  | word=IDENT unit=IDENT                                 # planSwitch
  ;

// A worked example that `tariff test` checks: usage records or meter
// values in, expected invoice lines and total out.
testItem
  : RECORD testField (COMMA testField)*                   # testRecord
  | METER meterRef ASSIGN value=signedNumber              # testMeter
  | EXPECT (line=STRING | total=IDENT) ASSIGN value=signedNumber  # testExpect
  // `account edition = "pro", seats = 12`: a row of the accounts file
  | word=IDENT testField (COMMA testField)*               # testAccount
  // `period "2026-03"`: the period a test without records is rated in
  | PERIOD label=STRING                                   # testPeriod
  ;

// `quantity = 60`, `event = "audio"`; `edition = "pro"` in account facts
testField
  : name=(IDENT | EDITION) ASSIGN (text=STRING | number=signedNumber)
  ;

// `event text one of "audio", "video"`: any other value rejects the record.
column
  : name=IDENT type=IDENT OPTIONAL? (DEFAULT literal)? (oneWord=IDENT OF values+=STRING (COMMA values+=STRING)*)?
  ;

// `hd <= 921_600`, the first band whose bound holds names the value's
// class; `uhd otherwise` takes everything above the last bound.
band
  : name=IDENT (LE bound=NUMBER | OTHERWISE)
  ;

// A meter an allowance draws from, and how many allowance units one unit
// of it uses: `video_min[fhd] * 9`.
draw
  : meterRef (STAR ratio=NUMBER)?
  ;

// `audio_min`, or one class of a grouped meter: `video_min[hd]`.
meterRef
  : name=IDENT (LBRACK key=IDENT RBRACK)?
  ;

allowances
  : AFTER IDENT (COMMA IDENT)*
  ;

// A tier kind or credit rule a plugin defines: `capacity`, `sla.tiered`.
pluginName
  : IDENT (DOT IDENT)*
  ;

// `with min_outage_minutes = 5, cap_percent = 100`
pluginParams
  : WITH pluginParam (COMMA pluginParam)*
  ;

pluginParam
  : name=IDENT ASSIGN signedNumber
  ;

// One row of a plugin's table: `(100, 1_000, 10.00)`.
pluginRow
  : LPAREN signedNumber (COMMA signedNumber)* RPAREN
  ;

signedNumber
  : MINUS? NUMBER PERCENT?
  ;

// `sum quantity where event == "audio", seconds -> minutes rounded up per day`
// `max over days of (distinct user where event == "login")`
meterBody
  : aggregate=IDENT OVER window=IDENT OF (LPAREN inner=meterBody RPAREN | inner=meterBody) conversion?  # windowedMeter
  | aggregate=IDENT expr? (WHERE filter=expr)? (BY groupClass=IDENT)? conversion?              # simpleMeter
  ;

conversion
  : COMMA from=IDENT ARROW to=IDENT (ROUNDED direction=(IDENT | UP))? (PER stage=(IDENT | PERIOD))?
  ;

chargeBody
  : FLAT amount=expr                                      # flatCharge
  | meterRef allowances? AT price=expr (PER unit=expr)?  # perUnitCharge
  | model=(GRADUATED | VOLUME | BAND) meterRef allowances? prorate=IDENT? (PER window=IDENT)? blockRule? usedRule?
      LBRACE tier* RBRACE                                 # tieredCharge
  | BLOCKS OF size=NUMBER meterRef allowances? AT price=NUMBER blockRule?  # blocksCharge
  | rate=NUMBER PERCENT OF value=expr (WHERE filter=expr)?
      (COMMA percentOption)*                              # percentageCharge
  | kind=pluginName LPAREN meterRef (COMMA meterRef)* RPAREN pluginParams? LBRACE pluginRow* RBRACE  # pluginCharge
  ;

// `settle daily`: stage-less unit conversions round per day; `months of
// 30 days`: monthly fees are prorated as if every month had 30 days.
periodOption
  : word=IDENT value=IDENT                                # periodSettle
  | word=IDENT OF days=NUMBER unit=IDENT                  # periodMonthDays
  ;

// A per-transaction term of a percentage charge: `plus 0.30`, `min 1.75`,
// `max 12.00`; or its free allowance: `free 3 transactions`, `free 250.00
// of value` (whichever runs out first).
percentOption
  : word=IDENT amount=NUMBER
  | FREE amount=NUMBER OF? word=IDENT
  ;

// `by started block` (a partial block counts as full) or `by whole block`
// (a partial block is free): each row's `per N` counts whole blocks of N.
blockRule
  : BY which=IDENT unit=IDENT
  ;

// `if used`: nothing is charged at zero quantity, not even a flat fee.
usedRule
  : IF word=IDENT
  ;

// One row of a tier table: where it ends, then its price.
//   first 200 free | next 4_800 at 0.05 | up to 10 at 6.50 flat 20 | above at 6
tier
  : tierBound tierPrice
  ;

tierBound
  : FIRST width=NUMBER                                    # firstBound
  | NEXT width=NUMBER                                     # nextBound
  | UP TO limit=NUMBER                                    # upToBound
  | ABOVE                                                 # aboveBound
  ;

tierPrice
  : FREE                                                  # freePrice
  | (AT price=NUMBER (PER unit=NUMBER)?)? (FLAT fee=NUMBER)?  # paidPrice
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
