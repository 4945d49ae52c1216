/// The Lua script that takes messages off the queues and reserves them in one atomic step, so a
/// message is never only in the worker's memory: it is either on its list or in `unacked`.
///
/// `KEYS`: `unacked_index`, `unacked`, then the lists to consume in order (priority lists of each
/// queue, highest first). `ARGV`: the most messages to take and the reservation score (now).
/// For each message popped (RPOP, the consuming end, as kombu's BRPOP) it adds
/// `ZADD unacked_index <now> <tag>` and `HSET unacked <tag> [envelope, exchange, routing_key]`,
/// the value written byte for byte as kombu's `json.dumps` writes it. A message as kombu writes
/// it (one `delivery_tag` and one `delivery_info` key, plain ASCII values) is read by pattern;
/// anything else is decoded with cjson. It returns a flat list of
/// triples: the 1-based index of the list, the envelope bytes and the delivery tag (empty when
/// the message has none and could not be reserved: it is off its queue and must be reported).
public enum ReserveScript {
    /// The script text (run with EVALSHA after SCRIPT LOAD).
    public static let source = """
        local function pystr(s)
          if not string.find(s, '[%c"\\\\\\128-\\255]') then return '"' .. s .. '"' end
          local out, i, n = {'"'}, 1, #s
          local named = {[8] = '\\\\b', [9] = '\\\\t', [10] = '\\\\n', [12] = '\\\\f', [13] = '\\\\r',
            [34] = '\\\\"', [92] = '\\\\\\\\'}
          while i <= n do
            local c = string.byte(s, i)
            if named[c] then
              out[#out + 1] = named[c]; i = i + 1
            elseif c < 32 or c == 127 then
              out[#out + 1] = string.format('\\\\u%04x', c); i = i + 1
            elseif c < 128 then
              out[#out + 1] = string.char(c); i = i + 1
            else
              local cp, len
              if c >= 240 then cp, len = c % 8, 4 elseif c >= 224 then cp, len = c % 16, 3 else cp, len = c % 32, 2 end
              for j = 1, len - 1 do cp = cp * 64 + (string.byte(s, i + j) or 128) % 64 end
              i = i + len
              if cp >= 65536 then
                cp = cp - 65536
                out[#out + 1] = string.format('\\\\u%04x\\\\u%04x', 55296 + math.floor(cp / 1024), 56320 + cp % 1024)
              else
                out[#out + 1] = string.format('\\\\u%04x', cp)
              end
            end
          end
          out[#out + 1] = '"'
          return table.concat(out)
        end
        local plain = '([^"\\\\%c\\128-\\255]*)'
        local tagPattern = '^"delivery_tag": "' .. plain .. '"'
        local infoPattern = '^"delivery_info": {"exchange": "' .. plain .. '", "routing_key": "' .. plain .. '"}'
        local function only(raw, needle)
          local first = string.find(raw, needle, 1, true)
          if not first then return nil end
          if string.find(raw, needle, first + 1, true) then return nil end
          return first
        end
        local function quick(raw)
          local at = only(raw, '"delivery_tag"')
          local infoAt = at and only(raw, '"delivery_info"')
          if not infoAt then return nil end
          local tag = string.match(raw, tagPattern, at)
          local exchange, routing = string.match(raw, infoPattern, infoAt)
          if not tag or tag == '' or not exchange then return nil end
          return tag, '"' .. exchange .. '"', '"' .. routing .. '"'
        end
        local function decoded(raw)
          local ok, message = pcall(cjson.decode, raw)
          if not ok or type(message) ~= 'table' or type(message.properties) ~= 'table' then return '' end
          local properties = message.properties
          if type(properties.delivery_tag) ~= 'string' or properties.delivery_tag == '' then return '' end
          local info = properties.delivery_info
          if type(info) ~= 'table' then info = {} end
          local exchange = type(info.exchange) == 'string' and info.exchange or ''
          local routing = type(info.routing_key) == 'string' and info.routing_key or ''
          return properties.delivery_tag, pystr(exchange), pystr(routing)
        end
        local limit = tonumber(ARGV[1])
        local result, taken, scores, values = {}, 0, {}, {}
        for k = 3, #KEYS do
          if taken >= limit then break end
          local batch = redis.pcall('RPOP', KEYS[k], limit - taken)
          if type(batch) == 'table' and batch.err then
            -- Redis before 6.2: no RPOP count, one at a time.
            batch = {}
            while #batch < limit - taken do
              local one = redis.call('RPOP', KEYS[k])
              if not one then break end
              batch[#batch + 1] = one
            end
          elseif type(batch) ~= 'table' then
            batch = {}
          end
          for _, raw in ipairs(batch) do
            taken = taken + 1
            local tag, exchange, routing = quick(raw)
            if not tag then tag, exchange, routing = decoded(raw) end
            if tag ~= '' then
              scores[#scores + 1] = ARGV[2]
              scores[#scores + 1] = tag
              values[#values + 1] = tag
              values[#values + 1] = '[' .. raw .. ', ' .. exchange .. ', ' .. routing .. ']'
            end
            result[#result + 1] = k - 2
            result[#result + 1] = raw
            result[#result + 1] = tag
          end
        end
        if #scores > 0 then
          redis.call('ZADD', KEYS[1], unpack(scores))
          redis.call('HSET', KEYS[2], unpack(values))
        end
        return result
        """
}
