package nbusim

// The OData 4.01 subset NetBackup accepts in `filter=`: the operators and functions that the
// `filter` parameters of the vendor documents (testdata/openapi) list per attribute. Date-times are
// unquoted in the vendor's examples but quoted in some of its code samples: both are accepted.
//
//	expr     = or
//	or       = and { "or" and }
//	and      = unary { "and" unary }
//	unary    = "not" unary | primary
//	primary  = "(" or ")" | func [ ("eq"|"ne") bool ] | operand cmpop literal
//	func     = ("contains"|"startswith"|"endswith") "(" operand "," string ")"
//	operand  = attr | ("tolower"|"toupper") "(" attr ")"
//	literal  = 'str''ing' | 42 | -7 | 1.5 | true | false | null | 2024-06-10T06:13:20.000Z
//
// The filter is parsed once per request into a small tree whose literals are pre-converted, so
// Match (run once per candidate item) only type-switches and compares: it allocates nothing
// except for contains/startswith/endswith over tolower()/toupper() of non-lowercase data.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxFilterDepth bounds nesting of parentheses and `not` so hostile input cannot blow the stack.
const maxFilterDepth = 64

// Filter is a parsed OData filter expression.
type Filter struct {
	root *filterNode
}

type nodeKind uint8

const (
	nodeAnd nodeKind = iota
	nodeOr
	nodeNot
	nodeCompare
	nodeFunc
)

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opGt
	opLe
	opGe
)

var cmpOps = map[string]cmpOp{"eq": opEq, "ne": opNe, "lt": opLt, "gt": opGt, "le": opLe, "ge": opGe}

type funcKind uint8

const (
	funcContains funcKind = iota
	funcStartsWith
	funcEndsWith
)

var stringFuncs = map[string]funcKind{"contains": funcContains, "startswith": funcStartsWith, "endswith": funcEndsWith}

// caseMap is the tolower/toupper wrapped around an attribute (caseNone = bare attribute).
type caseMap uint8

const (
	caseNone caseMap = iota
	caseLower
	caseUpper
)

type litKind uint8

const (
	litString litKind = iota
	litInt
	litFloat
	litBool
	litNull
	litTime
)

// literal holds a right-hand value already converted to every form a comparison may need.
type literal struct {
	kind    litKind
	text    string    // string value (litString) or source text (litTime, for string attributes)
	i       int64     // litInt
	f       float64   // litInt and litFloat
	b       bool      // litBool
	t       time.Time // litTime, or litString that reads as a date-time (hasTime)
	hasTime bool
}

type filterNode struct {
	kind        nodeKind
	left, right *filterNode // and/or: both; not: left
	attr        string
	fold        caseMap
	op          cmpOp
	fn          funcKind
	want        bool // nodeFunc: the function result that makes the node true ("eq false" flips it)
	lit         literal
}

// parseFilter parses a NetBackup OData filter. Errors name the 1-based byte position and the problem.
func parseFilter(src string) (*Filter, error) {
	p := &filterParser{lx: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokEOF {
		return nil, fmt.Errorf("filter: empty expression")
	}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		if p.tok.kind == tokRParen {
			return nil, p.errorf(p.tok.pos, "unbalanced parentheses: unexpected ')'")
		}
		return nil, p.errorf(p.tok.pos, "unexpected %s after the end of the expression", p.tok.describe())
	}
	return &Filter{root: root}, nil
}

// Match reports whether the item whose attributes get returns satisfies the filter. get returns
// int64, float64, string, bool or time.Time; (nil, false) means absent, which makes a comparison
// false (except `eq null`, true for an absent or nil attribute, and `ne null`, its negation).
func (f *Filter) Match(get func(attr string) (any, bool)) bool {
	if f == nil || f.root == nil {
		return true
	}
	return f.root.eval(get)
}

func (n *filterNode) eval(get func(string) (any, bool)) bool {
	switch n.kind {
	case nodeAnd:
		return n.left.eval(get) && n.right.eval(get)
	case nodeOr:
		return n.left.eval(get) || n.right.eval(get)
	case nodeNot:
		return !n.left.eval(get)
	case nodeFunc:
		v, ok := get(n.attr)
		if !ok {
			return false
		}
		s, isString := v.(string)
		if !isString {
			return false
		}
		return n.evalFunc(s) == n.want
	default:
		v, ok := get(n.attr)
		return compareValue(v, ok, n.fold, n.op, &n.lit)
	}
}

func (n *filterNode) evalFunc(s string) bool {
	switch n.fold {
	case caseLower:
		s = strings.ToLower(s) // no allocation when s has no upper-case letters
	case caseUpper:
		s = strings.ToUpper(s)
	}
	switch n.fn {
	case funcContains:
		return strings.Contains(s, n.lit.text)
	case funcStartsWith:
		return strings.HasPrefix(s, n.lit.text)
	default:
		return strings.HasSuffix(s, n.lit.text)
	}
}

// compareValue applies op to (value, literal). Values of a type the literal cannot be compared with
// make the comparison false for every operator, `ne` included (the item simply does not match).
func compareValue(v any, present bool, fold caseMap, op cmpOp, lit *literal) bool {
	if lit.kind == litNull {
		isNull := !present || v == nil
		switch op {
		case opEq:
			return isNull
		case opNe:
			return !isNull
		}
		return false
	}
	if !present || v == nil {
		return false
	}
	var c int
	switch x := v.(type) {
	case string:
		switch lit.kind {
		case litString, litTime:
			c = foldCompare(x, fold, lit.text)
		default:
			return false
		}
	case int64:
		var ok bool
		if c, ok = compareInt(x, lit); !ok {
			return false
		}
	case int:
		var ok bool
		if c, ok = compareInt(int64(x), lit); !ok {
			return false
		}
	case int32:
		var ok bool
		if c, ok = compareInt(int64(x), lit); !ok {
			return false
		}
	case float64:
		var ok bool
		if c, ok = compareFloat(x, lit); !ok {
			return false
		}
	case bool:
		if lit.kind != litBool {
			return false
		}
		c = compareBool(x, lit.b)
	case time.Time:
		if (lit.kind != litTime && lit.kind != litString) || !lit.hasTime {
			return false
		}
		c = x.Compare(lit.t)
	default:
		return false
	}
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opGt:
		return c > 0
	case opLe:
		return c <= 0
	default:
		return c >= 0
	}
}

func compareInt(x int64, lit *literal) (int, bool) {
	switch lit.kind {
	case litInt:
		return cmp3(x, lit.i), true
	case litFloat:
		return compareFloat(float64(x), lit)
	}
	return 0, false
}

func compareFloat(x float64, lit *literal) (int, bool) {
	if lit.kind != litInt && lit.kind != litFloat {
		return 0, false
	}
	if math.IsNaN(x) {
		return 0, false
	}
	return cmp3(x, lit.f), true
}

func cmp3[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// foldCompare compares mapped(s) with lit rune by rune without building the mapped string.
func foldCompare(s string, fold caseMap, lit string) int {
	if fold == caseNone {
		return strings.Compare(s, lit)
	}
	for len(s) > 0 && len(lit) > 0 {
		rs, ns := utf8.DecodeRuneInString(s)
		rl, nl := utf8.DecodeRuneInString(lit)
		if fold == caseLower {
			rs = unicode.ToLower(rs)
		} else {
			rs = unicode.ToUpper(rs)
		}
		if rs != rl {
			if rs < rl {
				return -1
			}
			return 1
		}
		s, lit = s[ns:], lit[nl:]
	}
	switch {
	case len(s) == len(lit):
		return 0
	case len(s) == 0:
		return -1
	}
	return 1
}

// Int64Bounds returns inclusive bounds on attr implied by the top-level AND-conjuncts (conservative:
// every matching item lies within them; lo > hi means nothing can match). ok is false when no
// conjunct constrains attr. Comparisons under OR/NOT, or through tolower/toupper, are ignored.
func (f *Filter) Int64Bounds(attr string) (lo, hi int64, ok bool) {
	lo, hi = math.MinInt64, math.MaxInt64
	if f == nil {
		return lo, hi, false
	}
	f.root.conjuncts(func(n *filterNode) {
		if n.kind != nodeCompare || n.attr != attr || n.fold != caseNone {
			return
		}
		nlo, nhi, constrains := n.intRange()
		if !constrains {
			return
		}
		ok = true
		lo, hi = max(lo, nlo), min(hi, nhi)
	})
	return lo, hi, ok
}

// intRange is the inclusive int64 range a single comparison admits.
func (n *filterNode) intRange() (lo, hi int64, ok bool) {
	lo, hi = math.MinInt64, math.MaxInt64
	var below, above int64 // smallest integer >= literal, largest integer <= literal
	var exact bool
	switch n.lit.kind {
	case litInt:
		below, above, exact = n.lit.i, n.lit.i, true
	case litFloat:
		below, above = clampToInt64(math.Ceil(n.lit.f)), clampToInt64(math.Floor(n.lit.f))
		exact = below == above && float64(below) == n.lit.f
	default:
		return lo, hi, false
	}
	switch n.op {
	case opEq:
		return below, above, true // below > above for a non-integral value: empty range
	case opGe:
		return below, hi, true
	case opGt:
		if exact {
			if below == math.MaxInt64 {
				return math.MaxInt64, math.MinInt64, true
			}
			return below + 1, hi, true
		}
		return below, hi, true
	case opLe:
		return lo, above, true
	case opLt:
		if exact {
			if above == math.MinInt64 {
				return math.MaxInt64, math.MinInt64, true
			}
			return lo, above - 1, true
		}
		return lo, above, true
	}
	return lo, hi, false
}

func clampToInt64(f float64) int64 {
	switch {
	case f >= math.MaxInt64: // float64(MaxInt64) rounds up to 2^63
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// TimeBounds is Int64Bounds for date-times: inclusive bounds, a zero Time is an unbounded side.
// `gt X` gives lo = X+1ns and `lt X` hi = X-1ns, which stays conservative at any precision.
func (f *Filter) TimeBounds(attr string) (lo, hi time.Time, ok bool) {
	if f == nil {
		return lo, hi, false
	}
	f.root.conjuncts(func(n *filterNode) {
		if n.kind != nodeCompare || n.attr != attr || n.fold != caseNone || !n.lit.hasTime {
			return
		}
		t := n.lit.t
		var nlo, nhi time.Time
		switch n.op {
		case opEq:
			nlo, nhi = t, t
		case opGe:
			nlo = t
		case opGt:
			nlo = t.Add(time.Nanosecond)
		case opLe:
			nhi = t
		case opLt:
			nhi = t.Add(-time.Nanosecond)
		default:
			return
		}
		ok = true
		if !nlo.IsZero() && (lo.IsZero() || nlo.After(lo)) {
			lo = nlo
		}
		if !nhi.IsZero() && (hi.IsZero() || nhi.Before(hi)) {
			hi = nhi
		}
	})
	return lo, hi, ok
}

// conjuncts calls visit for every node joined to the root by AND only.
func (n *filterNode) conjuncts(visit func(*filterNode)) {
	if n == nil {
		return
	}
	if n.kind == nodeAnd {
		n.left.conjuncts(visit)
		n.right.conjuncts(visit)
		return
	}
	visit(n)
}

// ---- parser ----

type filterParser struct {
	lx  lexer
	tok token
}

func (p *filterParser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *filterParser) errorf(pos int, format string, args ...any) error {
	return fmt.Errorf("filter: position %d: %s", pos+1, fmt.Sprintf(format, args...))
}

// keyword reports whether the current token is the identifier kw (operators are matched
// case-insensitively: the server is lenient and so are we).
func (p *filterParser) keyword(kw string) bool {
	return p.tok.kind == tokIdent && strings.EqualFold(p.tok.text, kw)
}

func (p *filterParser) parseOr(depth int) (*filterNode, error) {
	left, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		left = &filterNode{kind: nodeOr, left: left, right: right}
	}
	return left, nil
}

func (p *filterParser) parseAnd(depth int) (*filterNode, error) {
	left, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		left = &filterNode{kind: nodeAnd, left: left, right: right}
	}
	return left, nil
}

func (p *filterParser) parseUnary(depth int) (*filterNode, error) {
	if depth > maxFilterDepth {
		return nil, p.errorf(p.tok.pos, "expression nested deeper than %d levels", maxFilterDepth)
	}
	if p.keyword("not") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		inner, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &filterNode{kind: nodeNot, left: inner}, nil
	}
	return p.parsePrimary(depth)
}

func (p *filterParser) parsePrimary(depth int) (*filterNode, error) {
	switch p.tok.kind {
	case tokLParen:
		open := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		inner, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			if p.tok.kind == tokEOF {
				return nil, p.errorf(open, "unbalanced parentheses: '(' is never closed")
			}
			return nil, p.errorf(p.tok.pos, "expected ')' or an operator, found %s", p.tok.describe())
		}
		return inner, p.advance()
	case tokIdent:
		if fn, isFunc := stringFuncs[strings.ToLower(p.tok.text)]; isFunc {
			return p.parseStringFunc(fn)
		}
		return p.parseComparison()
	case tokEOF:
		return nil, p.errorf(p.tok.pos, "unexpected end of expression: expected a comparison")
	case tokRParen:
		return nil, p.errorf(p.tok.pos, "unbalanced parentheses: unexpected ')'")
	}
	return nil, p.errorf(p.tok.pos, "expected an attribute name, found %s", p.tok.describe())
}

// parseOperand reads `attr`, `tolower(attr)` or `toupper(attr)`.
func (p *filterParser) parseOperand() (attr string, fold caseMap, err error) {
	if p.tok.kind != tokIdent {
		return "", caseNone, p.errorf(p.tok.pos, "expected an attribute name, found %s", p.tok.describe())
	}
	name := p.tok.text
	switch strings.ToLower(name) {
	case "tolower":
		fold = caseLower
	case "toupper":
		fold = caseUpper
	default:
		if isReservedWord(name) {
			return "", caseNone, p.errorf(p.tok.pos, "expected an attribute name, found keyword %q", name)
		}
		return name, caseNone, p.advance()
	}
	if err := p.advance(); err != nil {
		return "", caseNone, err
	}
	if err := p.expect(tokLParen, "'(' after "+name); err != nil {
		return "", caseNone, err
	}
	if p.tok.kind != tokIdent || isReservedWord(p.tok.text) {
		return "", caseNone, p.errorf(p.tok.pos, "%s() takes an attribute name, found %s", name, p.tok.describe())
	}
	attr = p.tok.text
	if err := p.advance(); err != nil {
		return "", caseNone, err
	}
	return attr, fold, p.expect(tokRParen, "')' closing "+name+"(")
}

func (p *filterParser) expect(kind tokenKind, what string) error {
	if p.tok.kind != kind {
		return p.errorf(p.tok.pos, "expected %s, found %s", what, p.tok.describe())
	}
	return p.advance()
}

func (p *filterParser) parseStringFunc(fn funcKind) (*filterNode, error) {
	name := p.tok.text
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.expect(tokLParen, "'(' after "+name); err != nil {
		return nil, err
	}
	attr, fold, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if err := p.expect(tokComma, "',' in "+name+"()"); err != nil {
		return nil, err
	}
	if p.tok.kind != tokString {
		return nil, p.errorf(p.tok.pos, "%s() needs a quoted string as second argument, found %s", name, p.tok.describe())
	}
	n := &filterNode{kind: nodeFunc, attr: attr, fold: fold, fn: fn, want: true, lit: literal{kind: litString, text: p.tok.text}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.expect(tokRParen, "')' closing "+name+"("); err != nil {
		return nil, err
	}
	// Optional explicit comparison with a boolean: contains(a,'x') eq false.
	if p.tok.kind == tokIdent {
		if op, isOp := cmpOps[strings.ToLower(p.tok.text)]; isOp {
			opPos := p.tok.pos
			if op != opEq && op != opNe {
				return nil, p.errorf(opPos, "%s() can only be compared with eq/ne true/false", name)
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
			lit, err := p.parseLiteral()
			if err != nil {
				return nil, err
			}
			if lit.kind != litBool {
				return nil, p.errorf(opPos, "%s() can only be compared with true or false", name)
			}
			n.want = lit.b == (op == opEq)
		}
	}
	return n, nil
}

func (p *filterParser) parseComparison() (*filterNode, error) {
	attr, fold, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokIdent {
		if p.tok.kind == tokEOF {
			return nil, p.errorf(p.tok.pos, "unexpected end of expression after %q: expected eq, ne, lt, gt, le or ge", attr)
		}
		return nil, p.errorf(p.tok.pos, "expected a comparison operator (eq, ne, lt, gt, le, ge) after %q, found %s", attr, p.tok.describe())
	}
	op, isOp := cmpOps[strings.ToLower(p.tok.text)]
	if !isOp {
		return nil, p.errorf(p.tok.pos, "unknown operator %q (expected eq, ne, lt, gt, le or ge)", p.tok.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	lit, err := p.parseLiteral()
	if err != nil {
		return nil, err
	}
	return &filterNode{kind: nodeCompare, attr: attr, fold: fold, op: op, lit: lit}, nil
}

func (p *filterParser) parseLiteral() (literal, error) {
	t := p.tok
	var lit literal
	switch t.kind {
	case tokString:
		lit = literal{kind: litString, text: t.text}
		// A quoted date-time is accepted where a date-time attribute is compared (Veritas samples do it).
		if len(t.text) >= 10 && isDigit(t.text[0]) {
			if tm, ok := parseDateTime(t.text); ok {
				lit.t, lit.hasTime = tm, true
			}
		}
	case tokInt:
		lit = literal{kind: litInt, i: t.i, f: float64(t.i), text: t.text}
	case tokFloat:
		lit = literal{kind: litFloat, f: t.f, text: t.text}
	case tokDateTime:
		lit = literal{kind: litTime, text: t.text, t: t.t, hasTime: true}
	case tokIdent:
		switch strings.ToLower(t.text) {
		case "true":
			lit = literal{kind: litBool, b: true}
		case "false":
			lit = literal{kind: litBool}
		case "null":
			lit = literal{kind: litNull}
		default:
			return lit, p.errorf(t.pos, "expected a literal value, found name %q (strings must be single-quoted: '%s')", t.text, t.text)
		}
	case tokEOF:
		return lit, p.errorf(t.pos, "unexpected end of expression: expected a value")
	default:
		return lit, p.errorf(t.pos, "expected a literal value, found %s", t.describe())
	}
	return lit, p.advance()
}

func isReservedWord(s string) bool {
	switch strings.ToLower(s) {
	case "and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "true", "false", "null":
		return true
	}
	return false
}

// ---- lexer ----

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokInt
	tokFloat
	tokDateTime
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokenKind
	pos  int // byte offset in the source
	text string
	i    int64
	f    float64
	t    time.Time
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokLParen:
		return "'('"
	case tokRParen:
		return "')'"
	case tokComma:
		return "','"
	case tokString:
		return fmt.Sprintf("string %q", t.text)
	case tokIdent:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("value %s", t.text)
}

type lexer struct {
	src string
	pos int
}

func (l *lexer) errorf(pos int, format string, args ...any) error {
	return fmt.Errorf("filter: position %d: %s", pos+1, fmt.Sprintf(format, args...))
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.pos++
	}
	start := l.pos
	if start >= len(l.src) {
		return token{kind: tokEOF, pos: start}, nil
	}
	c := l.src[start]
	switch {
	case c == '(':
		l.pos++
		return token{kind: tokLParen, pos: start}, nil
	case c == ')':
		l.pos++
		return token{kind: tokRParen, pos: start}, nil
	case c == ',':
		l.pos++
		return token{kind: tokComma, pos: start}, nil
	case c == '\'':
		return l.lexString()
	case isDigit(c) || (c == '-' && start+1 < len(l.src) && isDigit(l.src[start+1])):
		return l.lexNumberOrDateTime()
	case isIdentStart(c):
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
		return token{kind: tokIdent, pos: start, text: l.src[start:l.pos]}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	return token{}, l.errorf(start, "unexpected character %q", r)
}

// lexString reads a quoted string in which a doubled quote stands for one; it slices the source when it can.
func (l *lexer) lexString() (token, error) {
	start := l.pos
	var b *strings.Builder
	segStart := start + 1
	for i := start + 1; i < len(l.src); i++ {
		if l.src[i] != '\'' {
			continue
		}
		if i+1 < len(l.src) && l.src[i+1] == '\'' {
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(l.src[segStart : i+1])
			i++
			segStart = i + 1
			continue
		}
		l.pos = i + 1
		if b == nil {
			return token{kind: tokString, pos: start, text: l.src[start+1 : i]}, nil
		}
		b.WriteString(l.src[segStart:i])
		return token{kind: tokString, pos: start, text: b.String()}, nil
	}
	return token{}, l.errorf(start, "unterminated string (missing closing ')")
}

func (l *lexer) lexNumberOrDateTime() (token, error) {
	start := l.pos
	i := start
	if l.src[i] == '-' {
		i++
	}
	digitsStart := i
	for i < len(l.src) && isDigit(l.src[i]) {
		i++
	}
	// yyyy-mm-dd...: a date or date-time literal.
	if l.src[start] != '-' && i-digitsStart == 4 && i < len(l.src) && l.src[i] == '-' {
		for i < len(l.src) && isDateTimePart(l.src[i]) {
			i++
		}
		text := l.src[start:i]
		l.pos = i
		tm, ok := parseDateTime(text)
		if !ok {
			return token{}, l.errorf(start, "invalid date-time %q (expected e.g. 2024-06-10T06:13:20.000Z)", text)
		}
		return token{kind: tokDateTime, pos: start, text: text, t: tm}, nil
	}
	isFloat := false
	if i < len(l.src) && l.src[i] == '.' {
		isFloat = true
		i++
		fracStart := i
		for i < len(l.src) && isDigit(l.src[i]) {
			i++
		}
		if i == fracStart {
			return token{}, l.errorf(start, "invalid number %q: digits expected after '.'", l.src[start:i])
		}
	}
	if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
		j := i + 1
		if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
			j++
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			isFloat = true
			for j < len(l.src) && isDigit(l.src[j]) {
				j++
			}
			i = j
		}
	}
	text := l.src[start:i]
	if i < len(l.src) && isIdentPart(l.src[i]) {
		end := i
		for end < len(l.src) && isIdentPart(l.src[end]) {
			end++
		}
		return token{}, l.errorf(start, "invalid number %q", l.src[start:end])
	}
	l.pos = i
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return token{kind: tokInt, pos: start, text: text, i: n}, nil
		}
		// Integers beyond int64 are still numbers: compare them as decimals.
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return token{}, l.errorf(start, "number %q out of range", text)
	}
	return token{kind: tokFloat, pos: start, text: text, f: f}, nil
}

var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999", // no zone: UTC, as NetBackup writes every date-time in UTC
	"2006-01-02T15:04",
	"2006-01-02",
}

func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '.' || c == '/' }
func isDateTimePart(c byte) bool {
	return isDigit(c) || c == '-' || c == ':' || c == '.' || c == '+' || c == 'T' || c == 'Z' || c == 't' || c == 'z'
}
