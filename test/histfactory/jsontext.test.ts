// The kind-preserving JSON parser and Python's json.dumps: float repr against CPython's repr()
// (bit patterns → expected text, generated once with CPython 3.11), a document with every number
// kind, string escape and key-order subtlety against CPython's json.dumps output, and the error
// locations of bad JSON text.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../src/io/errors.ts";
import {
  codePointCompare, jsonEqual, parseJsonText, PyBigInt, PyFloat, pyFloatRepr, pyJsonDumps, toPlain,
} from "../../src/histfactory/jsontext.ts";

// [IEEE-754 bits (big-endian hex), repr(float)] from CPython: fixed thresholds, subnormals,
// extremes, 40 random bit patterns and 40 random magnitudes 1e-30…1e30.
const PY_REPR: [string, string][] = [
  ["0000000000000000", "0.0"],
  ["8000000000000000", "-0.0"],
  ["3ff0000000000000", "1.0"],
  ["4059000000000000", "100.0"],
  ["3ee4f8b588e368f1", "1e-05"],
  ["4341c37937e08000", "1e+16"],
  ["430c6bf526340000", "1000000000000000.0"],
  ["3f1a36e2eb1c432d", "0.0001"],
  ["3f202e4b6ce5dc68", "0.00012345"],
  ["3e8421f5f40d8376", "1.5e-07"],
  ["42dc12218377de66", "123456789012345.6"],
  ["43118b54f22aeb03", "1234567890123456.8"],
  ["4480f0cf064dd592", "1e+22"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["0000000000000001", "5e-324"],
  ["0010000000000000", "2.2250738585072014e-308"],
  ["3fb999999999999a", "0.1"],
  ["3fd5555555555555", "0.3333333333333333"],
  ["befa36e2eb1c432d", "-2.5e-05"],
  ["4341c37937e07fff", "9999999999999998.0"],
  ["4271f7182a000000", "1234560000000.0"],
  ["401166e640000000", "4.35048770904541"],
  ["3fd3333333333334", "0.30000000000000004"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3f1a36e2eb1c432c", "9.999999999999999e-05"],
  ["f2a74de452e6b438", "-1.989032661366619e+244"],
  ["6513270e269e0d37", "7.761117632285041e+178"],
  ["0c5c7fd0a6a3a450", "3.980498358697587e-249"],
  ["d23f0824128b2f33", "-1.5432835417340557e+88"],
  ["1818e811892f902b", "1.3647584518757569e-192"],
  ["9531985d5d9dc9f8", "-1.3701135617873088e-206"],
  ["e8e25d940ed90475", "-1.7160537630466207e+197"],
  ["36f675cc81e74ef5", "6.294675241195386e-44"],
  ["1600a35a099950d8", "1.0613447212142254e-202"],
  ["6b0d549b6f03675a", "4.708325160387546e+207"],
  ["3d9c172411e20b8f", "6.387016158513563e-12"],
  ["8d116ece1738f7d9", "-9.973130378568733e-246"],
  ["0f21ddb66cad4a26", "8.779753225680271e-236"],
  ["90c192cfd3ac94af", "-5.795503248498993e-228"],
  ["f28c105d1fb17c23", "-5.988180159386011e+243"],
  ["a170b33839263059", "-1.306052388527796e-147"],
  ["953f48f1a09f76b5", "-2.436117699484841e-206"],
  ["0fd630f1f29d0da9", "2.233386999150174e-232"],
  ["95e60af593bd04cf", "-3.51527970626667e-203"],
  ["0cb1e29c658cda14", "1.5987381841032883e-247"],
  ["3898d190f9ebdacc", "4.6678633181812096e-36"],
  ["8e81973e0becd7b0", "-8.441872792105456e-239"],
  ["2217beaddbc496cb", "1.9015657400796622e-144"],
  ["6b4cb2424a23d596", "7.370437700706684e+208"],
  ["8a6a63ec24ede6a4", "-1.7163996725272777e-258"],
  ["922766581e27a1c0", "-3.2367190832119987e-221"],
  ["8f6d05584ef8aa38", "-2.2818334634712625e-234"],
  ["ae97ba94d0eda82f", "-3.0536383926309363e-84"],
  ["1a61dbe22e44158b", "1.3449551894627777e-181"],
  ["923a736994e3bf91", "-7.317495976062606e-221"],
  ["301850c5a38fd547", "5.249822308814304e-77"],
  ["18f135d25f557203", "1.5450754142984396e-188"],
  ["b64ce4228c38fb29", "-3.953625698224792e-47"],
  ["907a70c31012f037", "-2.72491267476498e-229"],
  ["9e7769b10f4205b4", "-6.505141861548772e-162"],
  ["7f15052434b9b5df", "1.441484839555994e+304"],
  ["881ed162ae2eb154", "-1.4583679262758548e-269"],
  ["c6f877186d76b07e", "-7.939416668807721e+33"],
  ["7731af10506bf2ef", "1.4255183989699612e+266"],
  ["ec66a78795e761d1", "-1.525315701232403e+214"],
  ["bd7078c6c8e069ba", "-9.363124725844928e-13"],
  ["bbedb357057ab79e", "-5.0314683028490135e-20"],
  ["3cbcad9949ca60f5", "3.9798886745914257e-16"],
  ["bda263e4e00feaf8", "-8.362899784084603e-12"],
  ["4510ac742ab71d2f", "5.039300762290289e+24"],
  ["bf69a51afb4d0bc3", "-0.0031304862008325342"],
  ["ba75006a98b223cd", "-4.24124470219627e-27"],
  ["bf14063bfe488cb6", "-7.638684434900758e-05"],
  ["be07060c8b914be7", "-6.700757927128536e-10"],
  ["c01bd75b52aad40a", "-6.960309306789904"],
  ["c2423b244ad34175", "-156603291046.51138"],
  ["c0f49fbe74ff5ba8", "-84475.9035638409"],
  ["45282989a9744acc", "1.4605188055476792e+25"],
  ["3e05e087fe7a8f22", "6.367066847346353e-10"],
  ["41829ff40a09b0db", "39059073.25473186"],
  ["c3d712c00768a6af", "-6.650409402024771e+18"],
  ["c47dad29fb573fec", "-8.758933739717389e+21"],
  ["bd36e0e621510fb8", "-8.128080078261928e-14"],
  ["c2281f7005d16c11", "-51803325160.71107"],
  ["c33ee89ab67e9c17", "-8700000485678103.0"],
  ["4222c3f1b349c502", "40298404260.88478"],
  ["4276af725dad25cc", "1558924614354.3623"],
  ["3d66a74809929a82", "6.438495732194298e-13"],
  ["4541eb45a064b93c", "4.332555887966072e+25"],
  ["39d11a798ebe5b4b", "3.373054317683763e-30"],
  ["3e42ecfb7349aca4", "8.812971332921874e-09"],
  ["bb200d5cade7904d", "-6.639032421869108e-24"],
  ["bc029d7046a2da07", "-1.2614010886037088e-19"],
  ["3b5036b45712105c", "5.364659769450415e-23"],
  ["3ed3fed08999c03f", "4.767267591895883e-06"],
  ["c4fcdd8919b1de61", "-2.1810059373354585e+24"],
  ["bb551d9f15b73a1d", "-6.986601940076165e-23"],
  ["c0c3d9428923726b", "-10162.519810133808"],
  ["bb4adb8bbebbb9f3", "-4.443217384310987e-23"],
  ["451520cf93438a1e", "6.385596756714827e+24"],
  ["42d6d6534d84be3a", "100439105606392.9"],
  ["be1d1a98de1bd00b", "-1.6940696557660285e-09"],
  ["3e9886510715ac68", "3.6544611877490315e-07"],
  ["3b914ae791b95cc5", "9.154624079279825e-22"],
  ["bb8f823fc61dee84", "-8.340306106773358e-22"]
];

// CPython: json.dumps(json.loads(TEXT), sort_keys=True, ensure_ascii=False) (and with indent=4).
const PY_DOC = {"text": "{\"b\": [1, 1.0, -0, -0.0, 1e2, 1E-5, 12345678901234567890, 0.1, 2.5e+20, true, false, null], \"a\\u00e9\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001\\u007f/\", \"\\ud83d\\ude00\": 1, \"\\uffff\": 2, \"Z\": {}, \"z\": [], \"nested\": {\"y\": [[], {}], \"x\": 1.5e-7}}", "dumps": "{\"Z\": {}, \"a\u00e9\": \"caf\u00e9 \ud83d\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001\u007f/\", \"b\": [1, 1.0, 0, -0.0, 100.0, 1e-05, 12345678901234567890, 0.1, 2.5e+20, true, false, null], \"nested\": {\"x\": 1.5e-07, \"y\": [[], {}]}, \"z\": [], \"\uffff\": 2, \"\ud83d\ude00\": 1}", "indent4": "{\n    \"Z\": {},\n    \"a\u00e9\": \"caf\u00e9 \ud83d\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001\u007f/\",\n    \"b\": [\n        1,\n        1.0,\n        0,\n        -0.0,\n        100.0,\n        1e-05,\n        12345678901234567890,\n        0.1,\n        2.5e+20,\n        true,\n        false,\n        null\n    ],\n    \"nested\": {\n        \"x\": 1.5e-07,\n        \"y\": [\n            [],\n            {}\n        ]\n    },\n    \"z\": [],\n    \"\uffff\": 2,\n    \"\ud83d\ude00\": 1\n}"};

describe("pyFloatRepr reproduces Python's repr(float)", () => {
  test(`${PY_REPR.length} reference values`, () => {
    let bad = 0;
    for (const [hex, want] of PY_REPR) {
      const x = Buffer.from(hex, "hex").readDoubleBE(0);
      if (pyFloatRepr(x) !== want) { bad++; assert.equal(pyFloatRepr(x), want, hex); }
    }
    assert.equal(bad, 0);
  });
  test("thresholds: 1e-05 / 0.0001, 1e+16 / 1000000000000000.0, integral floats end in .0", () => {
    assert.equal(pyFloatRepr(1e-5), "1e-05");
    assert.equal(pyFloatRepr(1e-4), "0.0001");
    assert.equal(pyFloatRepr(1e16), "1e+16");
    assert.equal(pyFloatRepr(1e15), "1000000000000000.0");
    assert.equal(pyFloatRepr(100), "100.0");
    assert.equal(pyFloatRepr(-0), "-0.0");
    assert.equal(pyFloatRepr(1.5e300), "1.5e+300");
  });
});

describe("parseJsonText keeps Python's number kinds", () => {
  test("1 is an int, 1.0 / 1e2 are floats, -0 is int 0, big integers keep their digits", () => {
    const v = parseJsonText("[1, 1.0, 1e2, -0, -0.0, 0.5, 12345678901234567890]", "t.json") as unknown[];
    assert.equal(v[0], 1);
    assert.ok(v[1] instanceof PyFloat && v[1].value === 1);
    assert.ok(v[2] instanceof PyFloat && v[2].value === 100);
    assert.ok(Object.is(v[3], 0));
    assert.ok(v[4] instanceof PyFloat && Object.is(v[4].value, -0));
    assert.equal(v[5], 0.5);
    assert.ok(v[6] instanceof PyBigInt && v[6].text === "12345678901234567890");
    assert.deepEqual(toPlain(v as never), [1, 1, 100, 0, -0, 0.5, 12345678901234567000]);
    assert.equal(pyJsonDumps(v), "[1, 1.0, 100.0, 0, -0.0, 0.5, 12345678901234567890]");
  });
  test("the reference document serializes exactly as CPython's json.dumps", () => {
    const v = parseJsonText(PY_DOC.text, "doc.json");
    assert.equal(pyJsonDumps(v), PY_DOC.dumps);
    assert.equal(pyJsonDumps(v, { indent: 4 }), PY_DOC.indent4);
    assert.equal(JSON.stringify(toPlain(v)), JSON.stringify(JSON.parse(PY_DOC.text)));
  });
  test("keys sort by code point (U+FFFF before U+1F600), unlike UTF-16 order", () => {
    assert.ok(codePointCompare("\uffff", "\u{1F600}") < 0);
    assert.ok("\uffff" > "\u{1F600}");
    assert.equal(pyJsonDumps({ "\u{1F600}": 1, "\uffff": 2, b: 3, B: 4 }), '{"B": 4, "b": 3, "\uffff": 2, "\u{1F600}": 1}');
  });
  test("jsonEqual compares numbers by value as Python's == (1 == 1.0)", () => {
    assert.ok(jsonEqual({ a: [1, new PyFloat(2)] }, { a: [new PyFloat(1), 2] }));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: null }));
    assert.ok(!jsonEqual([1], [true]));
  });
  test("a HEPData-sized text (~10 MB) parses in reasonable time", () => {
    const row = (i: number) => `{"name": "c${i}", "data": [${Array.from({ length: 700 }, (_, j) => (j % 3 ? String(j * 0.37) : `${j}.0`)).join(", ")}]}`;
    const big = `{"channels": [${Array.from({ length: 2000 }, (_, i) => row(i)).join(", ")}]}`;
    const t0 = performance.now();
    parseJsonText(big, "big.json");
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `${(big.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
  });
});

describe("bad JSON text is an InputError with line and column", () => {
  const err = (text: string): InputError => {
    try { parseJsonText(text, "bad.json"); } catch (e) { if (e instanceof InputError) return e; throw e; }
    throw new Error("no error");
  };
  test("syntax errors", () => {
    assert.equal(err('{"a": [1,}').message, "bad.json: line 1, column 10: invalid JSON: unexpected \"}\"");
    assert.equal(err('{\n  "a": 1\n  "b": 2}').message, "bad.json: line 3, column 3: invalid JSON: expected ',' or '}', found \"\\\"\"");
    assert.match(err('{"a": "x').message, /line 1, column 7: invalid JSON: unterminated string/);
    assert.match(err("").message, /line 1, column 1: invalid JSON: unexpected end of input/);
    assert.match(err("[1] 2").message, /after the end of the document/);
    assert.match(err("[01]").message, /line 1, column 3: invalid JSON: expected ',' or ']'/);
    assert.match(err("[1.]").message, /malformed number/);
  });
  test("NaN / Infinity (as Python writes them) name the field", () => {
    const e = err('{"channels": [{"samples": [{"data": [1.0, NaN]}]}]}');
    assert.equal(e.field, "line 1, column 43");
    assert.match(e.message, /invalid JSON: NaN\/Infinity: NaN is not a valid JSON value; bad value for \/channels\/0\/samples\/0\/data\/1/);
    assert.match(err('{"hi": -Infinity}').message, /-Infinity is not a valid JSON value; bad value for \/hi/);
    assert.match(err('{"lo": Infinity}').message, /bad value for \/lo/);
    assert.match(err('{"x": 1e999}').message, /1e999 overflows a double; bad value for \/x/);
  });
});
