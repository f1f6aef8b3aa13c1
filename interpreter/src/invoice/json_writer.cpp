// The invoice as JSON (design contract): amounts and quantities are decimal
// strings, never JSON numbers, so no reader turns them into floats. Keys in
// a fixed order, no whitespace variation: the same invoice, the same bytes.
#include <fmt/format.h>

#include "tariff/tariff.h"

namespace tariff {

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20)
          out += fmt::format("\\u{:04x}", byte);
        else
          out += c;
    }
  }
  out += '"';
  return out;
}

namespace {

void append_decimal(std::string& out, const Decimal& value) { out += json_quote(value.to_string()); }

// A package's or wallet's balance after `"start":`: start, used, left,
// and the object's closing brace.
void append_balance(std::string& out, const Decimal& start, const Decimal& used, const Decimal& left) {
  append_decimal(out, start);
  out += ",\"used\":";
  append_decimal(out, used);
  out += ",\"left\":";
  append_decimal(out, left);
  out += '}';
}

void append_explain(std::string& out, const std::vector<std::string>& explain) {
  out += "\"explain\":[";
  for (std::size_t e = 0; e < explain.size(); ++e) {
    if (e > 0) out += ',';
    out += json_quote(explain[e]);
  }
  out += ']';
}

}  // namespace

std::string format_json(const Invoice& invoice) {
  std::string out = "{\"scheme\":";
  out += json_quote(invoice.scheme);
  out += ",\"version\":";
  out += json_quote(invoice.version);
  out += ",\"currency\":";
  out += json_quote(invoice.currency);
  // A scheme without `period` rates whatever it is given: both ends null.
  out += ",\"period\":{\"start\":";
  if (invoice.period_start.empty())
    out += "null";
  else
    out += json_quote(invoice.period_start);
  out += ",\"end\":";
  if (invoice.period_end.empty())
    out += "null";
  else
    out += json_quote(invoice.period_end);
  out += "},\"accounts\":[";
  for (std::size_t a = 0; a < invoice.accounts.size(); ++a) {
    const AccountInvoice& account = invoice.accounts[a];
    if (a > 0) out += ',';
    out += "{\"account\":";
    out += json_quote(account.account);
    // Only accounts with a period of their own (anniversary months) say it.
    if (!account.period_start.empty())
      out += ",\"period\":{\"start\":" + json_quote(account.period_start) + ",\"end\":" +
             json_quote(account.period_end) + "}";
    out += ",\"lines\":[";
    for (std::size_t l = 0; l < account.lines.size(); ++l) {
      const InvoiceLine& line = account.lines[l];
      if (l > 0) out += ',';
      out += "{\"charge\":";
      out += json_quote(line.charge);
      out += ",\"quantity\":";
      append_decimal(out, line.quantity);
      out += ",\"exact_amount\":";
      append_decimal(out, line.exact_amount.normalized());
      out += ",\"amount\":";
      append_decimal(out, line.amount);
      out += ',';
      append_explain(out, line.explain);
      out += '}';
    }
    out += "],\"adjustments\":[";
    for (std::size_t j = 0; j < account.adjustments.size(); ++j) {
      const Adjustment& adjustment = account.adjustments[j];
      if (j > 0) out += ',';
      out += "{\"kind\":";
      out += json_quote(adjustment.kind);
      out += ",\"name\":";
      out += json_quote(adjustment.name);
      out += ",\"base\":";
      append_decimal(out, adjustment.base);
      out += ",\"amount\":";
      append_decimal(out, adjustment.amount);
      out += adjustment.included ? ",\"included\":true," : ",\"included\":false,";
      append_explain(out, adjustment.explain);
      out += '}';
    }
    out += ']';
    // Only accounts holding packages carry the key.
    if (!account.packages.empty()) {
      out += ",\"packages\":[";
      for (std::size_t p = 0; p < account.packages.size(); ++p) {
        const PackageBalance& package = account.packages[p];
        if (p > 0) out += ',';
        out += "{\"package\":" + json_quote(package.package) + ",\"bought\":" + json_quote(package.bought) +
               ",\"expires\":" + json_quote(package.expires) + ",\"start\":";
        append_balance(out, package.start.normalized(), package.used, package.left);
      }
      out += ']';
    }
    // Only accounts with a balance in some wallet carry the key.
    if (!account.wallets.empty()) {
      out += ",\"wallets\":[";
      for (std::size_t w = 0; w < account.wallets.size(); ++w) {
        const WalletBalance& wallet = account.wallets[w];
        if (w > 0) out += ',';
        out += "{\"wallet\":" + json_quote(wallet.wallet) + ",\"start\":";
        append_balance(out, wallet.start, wallet.used, wallet.left);
      }
      out += ']';
    }
    out += ",\"total\":";
    append_decimal(out, account.total);
    out += '}';
  }
  out += "],\"total\":";
  append_decimal(out, invoice.total);
  out += fmt::format(",\"records\":{{\"read\":{},\"accepted\":{},\"rejected\":{}}}}}\n",
                     invoice.records.read, invoice.records.accepted, invoice.records.rejected);
  return out;
}

}  // namespace tariff
