/**
 * Exact money handling: ISO 4217 currency exponents and decimal-to-minor-unit
 * conversion without binary floating point.
 */

import { trim } from "./trim";

const ZERO_DECIMAL = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
const THREE_DECIMAL = "BHD IQD JOD KWD LYD OMR TND";
const FOUR_DECIMAL = "CLF UYW";
const TWO_DECIMAL =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD " +
    "CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP " +
    "GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL " +
    "MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR " +
    "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD " +
    "TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL";

function table(): ReadonlyMap<string, number> {
    const map = new Map<string, number>();
    const add = (codes: string, exponent: number): void => {
        for (const code of codes.split(" ")) map.set(code, exponent);
    };
    add(TWO_DECIMAL, 2);
    add(ZERO_DECIMAL, 0);
    add(THREE_DECIMAL, 3);
    add(FOUR_DECIMAL, 4);
    return map;
}

/**
 * Minor-unit exponent of every ISO 4217 currency accepted by the hub:
 * the current list plus recently withdrawn codes (HRK, SLL, ZWL, ANG, CUC)
 * that still appear in historical data. Funds/metal codes without a minor
 * unit (XAU, XDR, ...) are not money amounts and are rejected.
 */
export const CURRENCY_EXPONENTS: ReadonlyMap<string, number> = table();

export type MoneyError = "not-a-decimal" | "too-many-decimals" | "out-of-range";

const MAX_AMOUNT_TEXT = 40;
const DIGIT_0 = 48;

/**
 * Converts a decimal amount (JSON number or decimal string such as "-12.30")
 * to integer minor units for a currency with the given exponent.
 *
 * The decimal text is read digit by digit into an integer, so "0.29" never
 * becomes 28. Numbers are converted through their shortest round-trip
 * decimal representation (`String(n)`), so an input like `0.1 + 0.2` is
 * rejected as having too many decimals instead of being rounded silently.
 * Extra trailing zeros ("12.300" for USD) are exact and therefore accepted.
 * Accepted syntax: optional sign, digits, optional "." and digits; no
 * exponent, no thousands separators. The result must be a safe integer.
 */
export function toMinorUnits(amount: unknown, exponent: number): number | MoneyError {
    let text: string;
    if (typeof amount === "number") {
        if (!Number.isFinite(amount)) return "not-a-decimal";
        text = String(amount);
    } else if (typeof amount === "string") {
        text = trim(amount);
        if (text.length > MAX_AMOUNT_TEXT) return "out-of-range";
    } else {
        return "not-a-decimal";
    }
    const len = text.length;
    let i = 0;
    const sign = text.charCodeAt(0);
    if (sign === 45 /* - */ || sign === 43 /* + */) i++;

    let value = 0;
    const wholeStart = i;
    for (; i < len; i++) {
        const d = text.charCodeAt(i) - DIGIT_0;
        if (d < 0 || d > 9) break;
        value = value * 10 + d;
    }
    if (i === wholeStart) return "not-a-decimal";

    let fractionDigits = 0;
    if (i < len) {
        if (text.charCodeAt(i) !== 46 /* . */) return "not-a-decimal";
        i++;
        const fractionStart = i;
        for (; i < len; i++) {
            const d = text.charCodeAt(i) - DIGIT_0;
            if (d < 0 || d > 9) return "not-a-decimal";
            if (fractionDigits < exponent) {
                value = value * 10 + d;
                fractionDigits++;
            } else if (d !== 0) {
                return "too-many-decimals";
            }
        }
        if (i === fractionStart) return "not-a-decimal";
    }
    for (; fractionDigits < exponent; fractionDigits++) value *= 10;
    // Every step above is exact while value stays below 2^53.
    if (value > Number.MAX_SAFE_INTEGER) return "out-of-range";
    return sign === 45 && value !== 0 ? -value : value;
}
