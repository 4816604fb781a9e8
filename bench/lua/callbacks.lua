-- wrk script of scripts/bench.sh: unique, valid callbacks (signed where the provider signs), built
-- per request. Settings come from the environment:
--   BENCH_LUA_DIR    this directory (for hmac.lua)
--   BENCH_MODE       ceiling | <provider> | mixed | duplicates | track | burst | mvc
--   BENCH_PREFIX     prefix of every reference of the run (A-Z0-9); reusing it repeats callbacks
--   BENCH_DUP_RATE   mixed: share of requests that repeat an earlier callback (0.3)
--   BENCH_DUP_RANGE  duplicates: repeat the first N callbacks of each thread of a mixed run
--   BENCH_QUOTA      track/burst: requests per thread, then the thread stops
--   BENCH_DONE_DIR   track/burst: where each thread leaves done-<thread> once its quota is answered
--   BENCH_API_KEY, BENCH_ELLYPAY_SIGNING_KEY, BENCH_CINETPAY_SECRET
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local hmac = require("hmac")

local mode = os.getenv("BENCH_MODE") or "mixed"
local prefix = os.getenv("BENCH_PREFIX") or "B"
local dupRate = tonumber(os.getenv("BENCH_DUP_RATE") or "0.3")
local dupRange = tonumber(os.getenv("BENCH_DUP_RANGE") or "300")
local quota = tonumber(os.getenv("BENCH_QUOTA") or "0")
local apiKey = os.getenv("BENCH_API_KEY") or ""
local ellypayKey = os.getenv("BENCH_ELLYPAY_SIGNING_KEY") or ""
local cinetpaySecret = os.getenv("BENCH_CINETPAY_SECRET") or ""

local ALL = { "mypvit", "cinetpay", "ellypay", "virtualpay", "mvola" }
-- providers whose callbacks settle a payment by themselves (CinetPay's never do: each one is checked)
local SETTLING = { "ellypay", "mypvit", "mvola", "virtualpay" }
local CEILING = "bench-ceiling"

-- ------------------------------------------------------------------ threads

local threads = {}
local nextId = 1

function setup(thread)
  thread:set("tid", nextId)
  nextId = nextId + 1
  table.insert(threads, thread)
end

-- ------------------------------------------------------------------ callbacks

local function json(headers)
  headers["Content-Type"] = "application/json"
  return headers
end

local builders = {}

builders.mypvit = function(ref)
  return "POST", "/callbacks/mypvit", json({}), string.format(
    '{"transactionId":"PAY%s","merchantReferenceId":"%s","status":"SUCCESS","amount":500,'
    .. '"customerID":"077000001","fees":10,"totalAmount":510,"chargeOwner":"MERCHANT",'
    .. '"transactionOperation":"PAYMENT","operator":"AIRTEL_MONEY","code":200}', ref, ref)
end

-- CinetPay's x-token signs these fields' values, concatenated in this order
local CINETPAY_FIELDS = { "cpm_site_id", "cpm_trans_id", "cpm_trans_date", "cpm_amount", "cpm_currency",
  "signature", "payment_method", "cel_phone_num", "cpm_phone_prefixe", "cpm_language", "cpm_version",
  "cpm_payment_config", "cpm_page_action", "cpm_custom", "cpm_designation", "cpm_error_message" }

builders.cinetpay = function(ref)
  local values = {
    cpm_site_id = "123456", cpm_trans_id = ref, cpm_trans_date = "2026-11-21 10:00:00", cpm_amount = "100",
    cpm_currency = "XOF", signature = "abc123", payment_method = "OM", cel_phone_num = "0700000000",
    cpm_phone_prefixe = "225", cpm_language = "fr", cpm_version = "V4", cpm_payment_config = "Single",
    cpm_page_action = "Payment", cpm_custom = "", cpm_designation = "order", cpm_error_message = "SUCCES" }
  local signed, form = {}, {}
  for i, name in ipairs(CINETPAY_FIELDS) do
    signed[i] = values[name]
    form[i] = name .. "=" .. values[name]:gsub(" ", "+"):gsub(":", "%%3A")
  end
  return "POST", "/callbacks/cinetpay",
    { ["Content-Type"] = "application/x-www-form-urlencoded",
      ["x-token"] = hmac.hmacHex(cinetpaySecret, table.concat(signed)) },
    table.concat(form, "&")
end

-- gen-2 with hmac-signature (t=<now>,s=<HMAC-SHA256 of event:merchant_reference:internal_reference:
-- transaction_type:transaction_status>); RSA signing is out of a wrk script's reach
builders.ellypay = function(ref)
  local event = "transaction.completed"
  local signature = hmac.hmacHex(ellypayKey,
    table.concat({ event, ref, "ELP" .. ref, "COLLECTION", "COMPLETED" }, ":"))
  return "POST", "/callbacks/ellypay",
    json({ ["hmac-signature"] = "t=" .. os.time() .. ",s=" .. signature }), string.format(
    '{"event":"%s","payload":{"id":20760,"merchant_reference":"%s","internal_reference":"ELP%s",'
    .. '"transaction_type":"COLLECTION","request_currency":"UGX","request_amount":5000,'
    .. '"transaction_amount":5000,"transaction_currency":"UGX","transaction_charge":150,'
    .. '"transaction_account":"256700000001","provider_code":"mtn_momo_ug",'
    .. '"transaction_status":"COMPLETED","status_message":"Completed"}}', event, ref, ref)
end

builders.virtualpay = function(ref)
  return "POST", "/callbacks/virtualpay", json({}), string.format(
    '{"customer_id":"CUST01","virtual_account_no":"9900000001","virtual_account_name":"MERCHANT ID- TEST",'
    .. '"transaction_amount":"1000.00","transaction_fee":"10.75","transaction_reference":"%s",'
    .. '"bo_referenceno":"BO1","source_account":"0123456789","source_account_name":"ADA OBI",'
    .. '"source_bank":"GTBANK","source_bank_code":"058","narration":"order","session_id":"S%s",'
    .. '"transaction_date":"21-11-2026","tran_response_code":"00","tran_response_message":"Successful",'
    .. '"channel_code":"VIRTUALPAY","payment_status":"Complete","transaction_type":"static"}', ref, ref)
end

builders.mvola = function(ref)
  return "PUT", "/callbacks/mvola", json({}), string.format(
    '{"transactionStatus":"completed","serverCorrelationId":"%s","transactionReference":"641235",'
    .. '"requestDate":"2026-11-21T10:00:00.000Z","debitParty":[{"key":"msisdn","value":"0343500003"}],'
    .. '"creditParty":[{"key":"msisdn","value":"0343500004"}],"fees":[{"feeAmount":"5.46"}],'
    .. '"metadata":[{"key":"partnerName","value":"paysync"}]}', ref)
end

-- what each settling provider's callback above reports, for tracking the payment beforehand
local TRACKED = {
  mypvit = '{"amount":500,"currency":"XAF"}',
  ellypay = '{"amount":5000,"currency":"UGX"}',
  virtualpay = '{"amount":1000,"currency":"NGN"}',
  mvola = '{"amount":1000,"currency":"MGA","providerReference":"%s"}',
}

local function ref(n)
  return prefix .. "T" .. tid .. "N" .. n
end

local function callback(provider, n)
  local method, path, headers, body = builders[provider](ref(n))
  return wrk.format(method, path, headers, body)
end

local function track(provider, n)
  local reference = ref(n)
  return wrk.format("PUT", "/api/payments/" .. provider .. "/" .. reference,
    { ["Content-Type"] = "application/json", ["X-Api-Key"] = apiKey },
    string.format(TRACKED[provider], reference))
end

-- ------------------------------------------------------------------ per-thread state

local n = 0           -- callbacks (new ones) built so far
local sent = 0        -- requests of the quota sent
local answered = 0    -- answers of the quota received
local recent = {}     -- ring of recent new callbacks, for repeats
local RING = 256
-- wrk calls request() once on the first thread's state to check the script and never sends that
-- request: answer that call with a ping, so that no reference of the sequence is lost
local checked = false

local function remember(request)
  recent[(n % RING) + 1] = request
  return request
end

request = function()
  if not checked then
    checked = true
    if tid == 1 then
      return wrk.format("GET", "/bench/ceiling")
    end
  end
  if mode == "ceiling" then
    return wrk.format("GET", "/bench/ceiling")
  elseif mode == "mvc" then
    -- the hand-rolled receiver (operations port): the body of a MyPVit callback
    n = n + 1
    local _, _, headers, body = builders.mypvit(ref(n))
    return wrk.format("POST", "/bench/mvc-receiver", headers, body)
  elseif builders[mode] then
    n = n + 1
    return callback(mode, n)
  elseif mode == "mixed" then
    if n > 0 and math.random() < dupRate then
      return recent[math.random(math.min(n, RING))]
    end
    n = n + 1
    return remember(callback(ALL[(n % #ALL) + 1], n))
  elseif mode == "duplicates" then
    -- the first dupRange callbacks of the same thread of a mixed run with the same prefix
    n = (n % dupRange) + 1
    return callback(ALL[(n % #ALL) + 1], n)
  elseif mode == "track" or mode == "burst" then
    if sent >= quota then
      return wrk.format("GET", "/bench/ceiling") -- keeps the connection busy until the thread stops
    end
    sent = sent + 1
    local provider = SETTLING[(sent % #SETTLING) + 1]
    return mode == "track" and track(provider, sent) or callback(provider, sent)
  end
  error("unknown BENCH_MODE " .. mode)
end

if mode == "track" or mode == "burst" then
  response = function(status, headers, body)
    if body ~= CEILING then
      answered = answered + 1
      if answered == quota then
        local marker = io.open((os.getenv("BENCH_DONE_DIR") or ".") .. "/done-" .. tid, "w")
        if marker then
          marker:close()
        end
        wrk.thread:stop()
      end
    end
  end
end

-- ------------------------------------------------------------------ result

-- one machine-readable line for scripts/bench.sh (latencies in microseconds)
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
    .. "status_errors=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
