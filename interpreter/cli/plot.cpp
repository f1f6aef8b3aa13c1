// `tariff plot`: the price curve of one charge as an SVG image (the
// library's price_curve and format_price_curve_svg).
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "commands.h"

namespace tariff::cli {

namespace {

std::optional<Decimal> parse_quantity(const std::string& flag, const std::string& text) {
  auto value = Decimal::parse(text);
  if (!value) {
    std::cerr << fmt::format("tariff: error: {} `{}`: {}\n", flag, text, describe(value.error()));
    return std::nullopt;
  }
  return *value;
}

}  // namespace

CLI::App* add_plot_command(CLI::App& app, PlotOptions& options) {
  auto* plot = app.add_subcommand(
      "plot",
      "Draw the price curve of one charge (total and marginal price against quantity,\n"
      "with the tier boundaries) as an SVG image.\n"
      "  example: tariff plot pricing.tariff --charge MAU --from 0 --to 20000 -o mau.svg");
  plot->add_option("scheme", options.scheme, "Scheme or bytecode (.tfc) file")->required();
  plot->add_option("--charge", options.charge, "The charge to draw")->required();
  plot->add_option("--from", options.from, "Smallest quantity, an exact decimal")->required();
  plot->add_option("--to", options.to, "Largest quantity, an exact decimal")->required();
  plot->add_option("--steps", options.steps, "Evenly spaced quantities to price (default 100)")
      ->check(CLI::Range(1, 10'000));
  plot->add_option("-o,--output", options.output, "The SVG file to write (- for standard output)")
      ->required();
  return plot;
}

int run_plot(const PlotOptions& options) {
  const auto from = parse_quantity("--from", options.from);
  const auto to = parse_quantity("--to", options.to);
  if (!from || !to) return kUsageError;
  if (!(*from < *to)) {
    std::cerr << fmt::format("tariff: error: --from {} must be less than --to {}\n", options.from, options.to);
    return kUsageError;
  }
  auto loaded = load_scheme_or_program(options.scheme, options.plugins.get());
  std::cerr << loaded.diagnostics.render_all();
  if (!loaded.program) return loaded.refused ? kRefused : kDataError;
  const auto names = charge_names(*loaded.program);
  if (std::find(names.begin(), names.end(), options.charge) == names.end()) {
    std::string known;
    for (const auto& name : names) known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", name);
    std::cerr << fmt::format("tariff: error: {} has no charge \"{}\"\nhint: its charges are {}\n",
                             options.scheme, options.charge, known.empty() ? "none" : known);
    return kUsageError;
  }
  auto curve =
      price_curve(*loaded.program, options.charge, *from, *to, options.steps, options.plugins.get());
  if (!curve) {
    std::cerr << fmt::format("tariff: error: {}\n", curve.error().message);
    return kDataError;
  }
  auto svg = format_price_curve_svg(*curve);
  if (!svg) {
    std::cerr << fmt::format("tariff: error: {}\n", svg.error().message);
    return kDataError;
  }
  if (options.output == "-") {
    std::cout << *svg;
    return kOk;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << *svg;
  out.close();
  if (!out) {
    std::cerr << fmt::format("tariff: error: cannot write `{}`\n", options.output);
    return kDataError;
  }
  return kOk;
}

}  // namespace tariff::cli
