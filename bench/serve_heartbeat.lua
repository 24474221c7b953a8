-- wrk script for bench/serve_bench.sh: PUT /api/sessions/bench-N/heartbeat with a lastChunk,
-- N picked at random among SESSIONS registered sessions, with Basic credentials, keep-alive.
local sessions = tonumber(os.getenv("SESSIONS") or "10000")
local authorization = os.getenv("AUTHORIZATION") or ""
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("seed", counter)
end

function init(args)
    math.randomseed(os.time() * 1000 + seed)
end

function request()
    local id = math.random(0, sessions - 1)
    local chunk = string.format("%04d.mp4", math.random(1, 9999))
    return wrk.format("PUT", "/api/sessions/bench-" .. id .. "/heartbeat",
        {["Content-Type"] = "application/json", ["Authorization"] = authorization},
        '{"lastChunk":"' .. chunk .. '"}')
end

function response(status, headers, body)
    if status ~= 200 then
        wrk.thread:stop()
    end
end
