-- wrk script for bench/enroll.py: POST one base64 CSR with HTTP Basic.
--   wrk -s bench/enroll.lua URL -- BODYFILE AUTHORIZATION close|keep MAXREQUESTS
-- "close" sends Connection: close (a new TLS connection per request).  Each wrk
-- thread stops after MAXREQUESTS requests (wrk's -d bounds the time).  done()
-- prints one RESULT line for bench/enroll.py; non-2xx/3xx answers are counted
-- by wrk itself (summary.errors.status).
local req, left

function init(args)
   local f = assert(io.open(args[1], "rb"))
   local body = f:read("*a")
   f:close()
   local headers = {["Content-Type"] = "application/pkcs10", ["Authorization"] = args[2]}
   if args[3] == "close" then
      headers["Connection"] = "close"
   end
   req = wrk.format("POST", nil, headers, body)
   left = tonumber(args[4]) or 1000000
end

function request()
   left = left - 1
   if left < 0 then
      wrk.thread:stop()
   end
   return req
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d " ..
      "p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(99)))
end
