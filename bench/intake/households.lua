-- wrk: POST realistic households (1 to 5 people) with a unique Idempotency-Key each.
-- wrk -s households.lua URL -- PREFIX ; prints one line "WRKJSON {...}" at the end.
local given = {"Mohammad", "Ahmad", "Zabihullah", "Freshta", "Maryam", "Wahid", "Hekmatullah",
               "Nasrin", "Farid", "Shabana", "Abdul Rahman", "Khalid", "Zarghona", "Habibullah"}
local native = {"محمد", "احمد", "ذبیح الله", "فرشته", "مریم", "وحید", "نسرین", "فرید"}
local family = {"Karimi", "Stanikzai", "Popalzai", "Ahmadzai", "Hashimi", "Rahimi", "Noori",
                "Safi", "Wardak", "Mohammadi", "Sultani", "Amiri"}
local provinces = {"Kabul", "Herat", "Balkh", "Nangarhar", "Kandahar", "Bamyan", "Parwan"}
local categories = {"interpreter", "journalist", "former_employee", "woman_leader"}
local relations = {"spouse", "son", "daughter", "child", "mother", "brother"}
local phones = {"0791234567", "+93 79 123 4567", "0093791234567", "0700123456"}

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1] or "wrk"
  math.randomseed(id * 7919 + os.time())
end

local function pick(list) return list[math.random(#list)] end

local function birth()
  local r = math.random(3)
  if r == 1 then return tostring(math.random(1340, 1399)) end
  if r == 2 then return tostring(math.random(1950, 2020)) end
  return string.format("13%02d/%02d/%02d", math.random(40, 99), math.random(1, 12),
                       math.random(1, 28))
end

request = function()
  counter = counter + 1
  local key = string.format("%s-%d-%d", prefix, id, counter)
  local size = math.random(1, 5)
  local last = pick(family)
  local members = {}
  for k = 0, size - 1 do
    local extra = ""
    if k == 0 then
      extra = string.format(',"phone":"%s","tazkira_number":"1400-0101-%05d","name_native":"%s"',
                            pick(phones), math.random(0, 99999), pick(native))
    end
    members[#members + 1] = string.format(
      '{"external_id":"%s-%d","given_name":"%s","family_name":"%s","date_of_birth":"%s",' ..
      '"sex":"%s","province":"%s","relationship_to_head":"%s"%s}',
      key, k, pick(given), last, birth(), (math.random(2) == 1) and "male" or "female",
      pick(provinces), (k == 0) and "head" or pick(relations), extra)
  end
  local body = string.format('{"category":"%s","members":[%s]}', pick(categories),
                             table.concat(members, ","))
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Idempotency-Key"] = key
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", wrk.path, headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
