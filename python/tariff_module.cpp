// The Python binding `tariff._tariff`: load a scheme, cut usage files into
// partitions, rate files or partitions into a state, save, load and merge
// states, finish into an invoice (docs/scale-out.md). Invoices, states and
// rejects cross as bytes, so nothing is re-encoded on the way.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tariff/tariff.h"

namespace py = pybind11;

namespace {

// Raised in Python as tariff._tariff.TariffError with the library's message.
struct TariffFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T value_or_raise(tariff::Expected<T, tariff::RunError> result) {
  if (!result) throw TariffFailure(result.error().message);
  return std::move(*result);
}

tariff::UsageFormat format_named(const std::string& format, const std::string& file) {
  if (format == "csv") return tariff::UsageFormat::csv;
  if (format == "ndjson") return tariff::UsageFormat::ndjson;
  if (format.empty())
    if (auto by_name = tariff::format_from_path(file)) return *by_name;
  throw TariffFailure("cannot tell the format of `" + file + "`; say format=\"csv\" or \"ndjson\"");
}

std::string format_name(tariff::UsageFormat format) {
  return format == tariff::UsageFormat::csv ? "csv" : "ndjson";
}

// A compiled program, shared by every rater made from it.
struct ProgramHandle {
  std::shared_ptr<const tariff::Program> program;
};

ProgramHandle load_scheme(const std::string& name, const py::bytes& data) {
  auto loaded = tariff::load_scheme_or_program_bytes(name, std::string(data));
  if (!loaded.program) throw TariffFailure(loaded.diagnostics.render_all());
  return ProgramHandle{std::move(loaded.program)};
}

// Rejects as the rejects file's rows, each with its line for ordering.
class RejectRows final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject reject) override {
    rows_.emplace_back(reject.line, tariff::format_reject_csv(reject));
  }
  py::list to_python() const {
    py::list out;
    for (const auto& [line, row] : rows_) out.append(py::make_tuple(line, py::bytes(row)));
    return out;
  }

 private:
  std::vector<std::pair<std::uint64_t, std::string>> rows_;
};

// A partition as a plain dict of str, int and bytes, which pickles as is
// (Dask sends it between processes): lines packed as little-endian
// 64-bit pairs.
py::dict partition_to_python(const tariff::UsagePartition& part) {
  std::string lines;
  lines.reserve(part.lines.size() * 16);
  const auto put = [&lines](std::uint64_t value) {
    for (int i = 0; i < 8; ++i) lines.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  };
  for (const auto& [in_text, original] : part.lines) {
    put(in_text);
    put(original);
  }
  py::list rejects;
  for (const auto& r : part.rejects)
    rejects.append(py::make_tuple(r.line, py::bytes(r.reason), py::bytes(r.text)));
  py::dict out;
  out["file"] = part.file;
  out["format"] = format_name(part.format);
  out["text"] = py::bytes(part.text);
  out["lines"] = py::bytes(lines);
  out["rejects"] = rejects;
  return out;
}

tariff::UsagePartition partition_from_python(const py::dict& in) {
  tariff::UsagePartition part;
  part.file = in["file"].cast<std::string>();
  part.format = format_named(in["format"].cast<std::string>(), part.file);
  part.text = in["text"].cast<std::string>();
  const std::string lines = in["lines"].cast<std::string>();
  if (lines.size() % 16 != 0) throw TariffFailure(part.file + ": a partition's lines must be 16-byte pairs");
  const auto get = [&lines](std::size_t at) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i)
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(lines[at + i])) << (8 * i);
    return value;
  };
  for (std::size_t at = 0; at < lines.size(); at += 16) part.lines.emplace_back(get(at), get(at + 8));
  for (const auto& item : in["rejects"].cast<py::list>()) {
    const auto entry = item.cast<py::tuple>();
    part.rejects.push_back(tariff::Reject{part.file, entry[0].cast<std::uint64_t>(),
                                          entry[1].cast<std::string>(), entry[2].cast<std::string>()});
  }
  return part;
}

py::list partition_usage(const ProgramHandle& handle, const std::string& path, const std::string& name,
                         const std::string& format, std::uint32_t partitions) {
  const tariff::UsageFormat usage_format = format_named(format, name);
  std::vector<tariff::UsagePartition> parts;
  {
    py::gil_scoped_release unlocked;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TariffFailure("cannot read `" + path + "`");
    parts = value_or_raise(tariff::partition_usage(*handle.program, in, name, usage_format, partitions));
  }
  py::list out;
  for (const auto& part : parts) out.append(partition_to_python(part));
  return out;
}

// A Rater with the program it was made from, for load_state and merge.
struct RaterHandle {
  std::shared_ptr<const tariff::Program> program;
  tariff::Rater rater;
};

py::list add_usage_file(RaterHandle& self, const std::string& path, const std::string& name,
                        const std::string& format) {
  const std::string shown = name.empty() ? path : name;
  const tariff::UsageFormat usage_format = format_named(format, shown);
  RejectRows rejects;
  {
    py::gil_scoped_release unlocked;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TariffFailure("cannot read `" + path + "`");
    value_or_raise(self.rater.add_usage(in, shown, usage_format, rejects));
  }
  return rejects.to_python();
}

py::list add_partition(RaterHandle& self, const py::dict& partition) {
  const tariff::UsagePartition part = partition_from_python(partition);
  RejectRows rejects;
  {
    py::gil_scoped_release unlocked;
    value_or_raise(self.rater.add_partition(part, rejects));
  }
  return rejects.to_python();
}

}  // namespace

PYBIND11_MODULE(_tariff, m) {
  m.doc() = "Tariff: compile pricing schemes, rate usage in parts, merge, invoice.";
  py::register_exception<TariffFailure>(m, "TariffError");

  py::class_<ProgramHandle>(m, "Program", "A compiled, verified scheme (from load_scheme).");
  m.def("load_scheme", &load_scheme, py::arg("name"), py::arg("data"),
        "A scheme's source or a .tfc file's bytes; `name` stands for the file in messages.");
  m.def("partition_usage", &partition_usage, py::arg("program"), py::arg("path"), py::arg("name"),
        py::arg("format"), py::arg("partitions"),
        "Cuts the usage file at `path` (called `name` in rejects) into partitions by account hash.");
  m.def("rejects_csv_header", [] { return py::bytes(tariff::rejects_csv_header()); });
  m.def(
      "usage_format_of",
      [](const std::string& name) -> std::optional<std::string> {
        if (auto format = tariff::format_from_path(name)) return format_name(*format);
        return std::nullopt;
      },
      py::arg("name"), "\"csv\" or \"ndjson\" by the file name's extension, as tariff invoice tells; None otherwise.");

  py::class_<tariff::Invoice>(m, "Invoice", "A finished invoice.")
      .def("json", [](const tariff::Invoice& i) { return py::bytes(tariff::format_json(i)); })
      .def("text", [](const tariff::Invoice& i) { return py::bytes(tariff::format_text(i)); })
      .def("csv", [](const tariff::Invoice& i) { return py::bytes(tariff::format_csv(i)); })
      .def_property_readonly("records", [](const tariff::Invoice& i) {
        return py::make_tuple(i.records.read, i.records.accepted, i.records.rejected);
      });

  py::class_<RaterHandle>(m, "Rater", "One rating run, or one part of it.")
      .def(py::init([](const ProgramHandle& p) { return RaterHandle{p.program, tariff::Rater(p.program)}; }))
      .def("set_period", [](RaterHandle& self, const std::string& month) {
        value_or_raise(self.rater.set_period(month));
      })
      .def("add_usage_file", &add_usage_file, py::arg("path"), py::arg("name") = "", py::arg("format") = "",
           "Rates a usage file; returns its rejects as (line, rejects-file row).")
      .def("add_partition", &add_partition, py::arg("partition"),
           "Rates one partition from partition_usage; returns its rejects as (line, row).")
      .def("merge", [](RaterHandle& self, RaterHandle& other) {
        py::gil_scoped_release unlocked;
        value_or_raise(self.rater.merge(std::move(other.rater)));
      })
      .def("save_state", [](const RaterHandle& self) {
        std::string bytes;
        {
          py::gil_scoped_release unlocked;
          bytes = value_or_raise(self.rater.save_state());
        }
        return py::bytes(bytes);
      })
      .def_static("load_state", [](const ProgramHandle& p, const py::bytes& data) {
        const std::string bytes(data);
        py::gil_scoped_release unlocked;
        return RaterHandle{p.program, value_or_raise(tariff::Rater::load_state(p.program, bytes))};
      })
      .def("finish", [](RaterHandle& self) {
        py::gil_scoped_release unlocked;
        return value_or_raise(self.rater.finish());
      });
}
