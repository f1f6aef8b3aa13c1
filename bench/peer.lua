-- The standard job (bench/standard.tariff) in Lua, for Lua 5.4 and LuaJIT.
-- Usage: lua5.4 peer.lua USAGE.csv  |  luajit peer.lua USAGE.csv
-- Integer arithmetic only: seconds, bytes and amounts in 10^-5 dollars.
-- Lua 5.4 has 64-bit integers (exact). LuaJIT has only doubles: exact here
-- because every intermediate value stays below 2^53 (about 9.0e15) -- the
-- largest is bytes * 9 of the biggest account, about 10^12 at 5 M rows --
-- and floor(a / b) is exact for such a and the small divisors used.
-- Quantities must be whole numbers (the generator's are).
local idiv
if _VERSION == "Lua 5.4" and not jit then
  idiv = load("return function(a, b) return a // b end")()
else
  local floor = math.floor
  idiv = function(a, b) return floor(a / b) end
end

local acc = {}
local find, sub, tonumber = string.find, string.sub, tonumber
local f = assert(io.open(arg[1], "rb"))
f:read("l") -- header
for line in f:lines() do
  local c1 = find(line, ",", 1, true)
  local c2 = find(line, ",", c1 + 1, true)
  local c3 = find(line, ",", c2 + 1, true)
  local c4 = find(line, ",", c3 + 1, true)
  local c5 = find(line, ",", c4 + 1, true)
  local account = sub(line, 1, c1 - 1)
  if sub(line, c1 + 1, c1 + 8) == "2026-03-" then
    local event = sub(line, c2 + 1, c3 - 1)
    local user = sub(line, c3 + 1, c4 - 1)
    local q = tonumber(sub(line, c5 + 1))
    local a = acc[account]
    if not a then
      a = { 0, 0, 0, 0, 0, 0, 0, {} } -- seconds x5, bytes, mau, users
      acc[account] = a
    end
    if event == "audio" then
      a[1] = a[1] + q
    elseif event == "video" then
      local px = tonumber(sub(line, c4 + 1, c5 - 1)) or 0
      local k = px <= 921600 and 2 or px <= 2073600 and 3 or px <= 3686400 and 4 or 5
      a[k] = a[k] + q
    elseif event == "message" then
      a[6] = a[6] + q
    end
    local users = a[8]
    if not users[user] then
      users[user] = true
      a[7] = a[7] + 1
    end
  end
end
f:close()

local prices = { 99, 399, 899, 1599, 3599 } -- 10^-5 $ per minute
local names = {}
for k in pairs(acc) do names[#names + 1] = k end
table.sort(names) -- byte order (C locale strcmp)
local out = { "account,total" }
for _, name in ipairs(names) do
  local a = acc[name]
  local left, cents = 10000, 0
  for c = 1, 5 do
    local m = idiv(a[c] + 59, 60)
    local drawn = m < left and m or left
    left = left - drawn
    cents = cents + idiv((m - drawn) * prices[c] + 500, 1000)
  end
  local n, mau = a[7], 0
  if n > 200 then mau = mau + ((n < 5000 and n or 5000) - 200) * 5000 end
  if n > 5000 then mau = mau + ((n < 10000 and n or 10000) - 5000) * 4750 end
  if n > 10000 then mau = mau + (n - 10000) * 4500 end
  cents = cents + idiv(mau + 500, 1000)
  cents = cents + idiv(a[6] * 9 + 500000000, 1000000000)
  out[#out + 1] = string.format("%s,%d.%02d", name, idiv(cents, 100), cents % 100)
end
io.write(table.concat(out, "\n"), "\n")
