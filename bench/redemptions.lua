-- The counters of bench/redemptions.py, driven by wrk: each wrk thread redeems its own share
-- of the vouchers, one after another, and its requests sign in as each counter account in
-- turn. The caller names two files, one token or key per line: FOODBANK_TOKENS and
-- FOODBANK_KEYS, and gives FOODBANK_THREADS, the number of wrk threads.

local threads = {}

function setup(thread)
  thread:set("number", #threads)
  threads[#threads + 1] = thread
end

local function lines(path)
  local found = {}
  for line in io.lines(path) do
    found[#found + 1] = line
  end
  return found
end

local tokens, keys = {}, {}
spent, dry = 0, false

function init(args)
  local share = tonumber(os.getenv("FOODBANK_THREADS"))
  for n, token in ipairs(lines(os.getenv("FOODBANK_TOKENS"))) do
    if (n - 1) % share == number then
      tokens[#tokens + 1] = token
    end
  end
  keys = lines(os.getenv("FOODBANK_KEYS"))
end

function request()
  spent = spent + 1
  local token = tokens[spent]
  if token == nil then
    -- Every voucher of this thread is spent: the server refuses this one, and the caller
    -- hears that the counters ran dry.
    dry, token = true, "spent"
  end
  local headers = {
    ["Authorization"] = "Token " .. keys[(spent - 1) % #keys + 1],
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/api/v1/vouchers/redeem/", headers, '{"token": "' .. token .. '"}')
end

function done(summary, latency, requests)
  local dry_threads = 0
  for _, thread in ipairs(threads) do
    if thread:get("dry") then
      dry_threads = dry_threads + 1
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"answered": %d, "microseconds": %d, "refused": %d, "failed": %d, ' ..
    '"p50": %d, "p99": %d, "dry_threads": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), dry_threads
  ))
end
