"""The demo's vocabulary of citizens' requests in 牛塘镇: places, complaints per category, replies.

Generated sample text (示例数据), written the way residents speak on the phone or type on a phone.
The places are the demo's villages and communities (see accounts.town_demo) and the roads of the
镇区; every template of a category reads like a request of that category, so the dispatch
classifier trained on the closed demo orders learns the town's real division of work.
"""

from __future__ import annotations

import random

# village/community code -> places inside it ("" is the 镇区: roads and sites of no one village)
PLACES: dict[str, list[str]] = {
    "NT-YH": [
        "丫河村村口公交站",
        "丫河桥北侧",
        "丫河村村委会东侧道路",
        "丫河村三组",
        "丫河村文化广场",
        "丫河便民服务站门口",
        "丫河村老年活动室门口",
    ],
    "NT-LJX": [
        "卢家巷菜场",
        "卢家巷村河边桥头",
        "卢家巷村五组",
        "卢家巷村老街巷口",
        "卢家巷村健身广场",
    ],
    "NT-DT": ["东塘村菜场门口", "东塘村二组", "东塘村河塘西岸", "东塘村村道"],
    "NT-XH": ["西河村一组", "西河村村道", "西河村农田边", "西河村桥头"],
    "NT-NZ": ["南庄社区3号楼", "南庄社区小区大门", "南庄社区地下车库", "南庄社区9幢"],
    "NT-XC": ["新城社区东侧工地", "新城社区12幢", "新城社区幼儿园门口", "新城社区北门"],
    "": ["青洋路与人民路路口", "人民路", "牛塘镇区", "牛塘农贸市场", "牛塘镇政府门口", "青洋路公交站"],
}
VILLAGE_NAMES = {
    "NT-YH": "丫河村",
    "NT-LJX": "卢家巷村",
    "NT-DT": "东塘村",
    "NT-XH": "西河村",
    "NT-NZ": "南庄社区",
    "NT-XC": "新城社区",
    "": "牛塘镇",
}
GRIDS: dict[str, list[str]] = {
    "NT-YH": ["NT-YH-G01", "NT-YH-G02"],
    "NT-LJX": ["NT-LJX-G01", "NT-LJX-G02"],
    "NT-DT": ["NT-DT-G01"],
    "NT-XH": ["NT-XH-G01"],
    "NT-NZ": ["NT-NZ-G01"],
    "NT-XC": ["NT-XC-G01"],
}
STATIONS = {"NT-YH": "NT-YH-ST", "NT-LJX": "NT-LJX-ST"}

# Category code -> complaint templates. {place} a place, {village} its village, {n} a small count,
# {late} an hour of the night, {minutes} a wait in minutes. The first templates of the existing
# sample orders (workorders.demo.SAMPLE_ORDERS) are among them.
COMPLAINTS: dict[str, list[str]] = {
    "municipal": [
        "{place}人行道地砖松动翘起，老人走路容易绊倒。",
        "{place}的护栏断了好几根，一直没人修。",
    ],
    "municipal.streetlight": [
        "{place}的路灯不亮已经{n}天了，晚上走路很不安全。",
        "{place}有{n}盏路灯坏了，一到晚上黑灯瞎火，电动车经过很危险。",
        "{place}的路灯白天也亮着，太浪费电了，麻烦来看一下。",
        "{place}路灯一闪一闪的，晚上看着心慌，请尽快修理。",
        "{place}的路灯杆被车撞歪了，随时可能倒下来。",
    ],
    "municipal.road": [
        "{place}路面有个大坑，下雨积水，电瓶车经过很危险。",
        "{place}的道路坑坑洼洼，晴天一身灰，雨天一身泥。",
        "{place}的桥栏杆断了一截，小孩经过很危险。",
        "{place}路面塌陷了一块，已经有人摔倒了。",
        "{place}的减速带松了，车子压过去哐哐响，晚上吵得睡不着。",
    ],
    "municipal.manhole": [
        "{place}的窨井盖松动，车压过去响声很大。",
        "{place}有个窨井盖不见了，晚上看不到，很危险。",
        "{place}下水道堵了，污水漫到路面上，臭得很。",
        "{place}的雨水井被垃圾堵住，一下雨就积水。",
    ],
    "appearance": [
        "{place}环境脏乱差，到处是垃圾和乱贴的小广告。",
        "{place}一带市容很差，希望好好整治一下。",
    ],
    "appearance.rubbish": [
        "{place}有一堆建筑垃圾，好几天没人清理。",
        "{place}的垃圾桶满了没人清运，气味很大。",
        "{place}河边有人乱倒生活垃圾，苍蝇蚊子很多。",
        "{place}的垃圾分类投放点好几天没清了，垃圾堆到外面来了。",
        "{place}的公共厕所很脏，没人打扫。",
    ],
    "appearance.construction": [
        "{place}有人违章搭建彩钢棚，占用消防通道。",
        "{place}有住户在屋顶加盖房子，邻居都有意见。",
        "{place}有人把绿化带圈起来搭了个棚子。",
        "{place}一楼住户私自扩建院子，把公共通道占了。",
    ],
    "appearance.stall": [
        "{place}占道摆摊，车子过不去。",
        "{place}有人占道摆摊，早高峰堵车。",
        "{place}的流动摊贩很多，晚上油烟大，垃圾也不收拾。",
        "{place}的店铺把货堆到人行道上，行人只能走机动车道。",
        "{place}路边有人乱堆杂物，好几个月了。",
    ],
    "appearance.ads": [
        "{place}的店铺招牌松动，大风天怕掉下来砸人。",
        "{place}的电线杆上贴满了小广告，很难看。",
        "{place}的公益广告牌破了一大块，好久没人修。",
        "{place}有人挂了横幅广告，挡住了路口视线。",
    ],
    "ecology": [
        "{place}附近环境越来越差，希望有关部门管一管。",
        "{place}周边的绿地被破坏得很厉害。",
    ],
    "ecology.noise": [
        "{place}附近的工地晚上{late}点还在施工，吵得睡不着。",
        "{place}的广场舞音响开得太大，晚上{late}点多还在放。",
        "{place}附近的小作坊机器声音很大，从早响到晚。",
        "{place}有家KTV每天半夜还在唱，吵得睡不着。",
        "{place}楼下饭店的排风机噪音很大，晚上也不关。",
    ],
    "ecology.pollution": [
        "{place}附近厂子排出的废气很刺鼻，晚上特别明显。",
        "{place}的河道水面发黑有异味，怀疑有人偷排污水。",
        "{place}的小饭店油烟直排，楼上住户窗户都不敢开。",
        "{place}附近的养殖场臭味很大，夏天更严重。",
    ],
    "ecology.burning": [
        "{place}有人露天焚烧秸秆，烟很大，呛得人咳嗽。",
        "{place}有人在田边烧垃圾，黑烟滚滚。",
        "{place}晚上有人烧电线皮，味道特别难闻。",
    ],
    "water": [
        "{place}今天早上开始停水，没有通知。",
        "{place}停水{n}个小时了，没有任何通知。",
        "{place}的自来水发黄，有一股怪味。",
        "{place}水压太低，楼上住户白天基本没水用。",
        "{place}的自来水管爆了，水一直往外冒。",
        "{place}的河道有漂浮垃圾，水面发黑有异味。",
    ],
    "power": [
        "{place}晚上电压不稳，灯一闪一闪的。",
        "{place}又停电了，这个月已经第{n}次了。",
        "{place}的电线耷拉得很低，下面就是人行道，很危险。",
        "{place}的变压器一直嗡嗡响，住户担心有安全隐患。",
    ],
    "telecom": [
        "{place}手机信号很差，打电话经常断线。",
        "{place}的宽带老是掉线，报修好几天没人来。",
        "{place}的空中线缆乱拉乱挂，像蜘蛛网一样。",
        "{place}有根通信线缆掉下来了，挂在路中间。",
    ],
    "market": [
        "{place}有家店卖过期食品，买回去才发现。",
        "{place}的菜摊缺斤短两，秤有问题。",
        "{place}有家药店不开发票，价格也比别处贵很多。",
        "在{place}的超市买的奶粉有问题，商家不给退。",
    ],
    "traffic": [
        "{place}的红绿灯时间太短，老人过马路来不及。",
        "{place}的公交站牌被撞倒了，等车的人不知道在哪里等。",
        "{place}乱停车很严重，消防通道都被堵了。",
        "{place}上下学时段堵得厉害，希望安排人疏导。",
        "{place}的公交车班次太少，早上等了{minutes}分钟。",
    ],
    "housing": [
        "{place}小区物业不作为，电梯坏了{n}天没人修。",
        "{place}楼顶漏水，找物业好几次都没解决。",
        "{place}的物业费涨价没有开业主大会，大家都不认可。",
        "{place}楼道里堆满杂物，还有人拉电线给电动车充电。",
        "{place}的地下车库积水，好几辆车都泡了。",
    ],
    "labour": [
        "{place}附近一家企业拖欠工资{n}个月，工人讨薪无门。",
        "我在{place}附近的厂里上班，老板不给交社保。",
        "{place}工地的包工头欠了我们{n}个月工钱。",
        "想问一下{village}附近有没有招工信息，下岗了想找份工作。",
    ],
    "health": [
        "{place}附近的小诊所环境很差，针头乱扔。",
        "卫生院挂号排队太久，{village}的老人等了一上午。",
        "{place}有人无证行医，希望查一查。",
        "{place}附近蚊子特别多，希望来消杀一下。",
    ],
    "education": [
        "{place}附近的幼儿园收费太高，还乱收费。",
        "孩子户口在{village}，想问明年上小学怎么报名。",
        "{place}的校外培训机构没有资质，还在招生。",
        "{place}孩子上学的路没有人行道，很危险。",
    ],
    "security": [
        "{place}最近电动车被偷了好几辆，希望加强巡逻。",
        "{place}的消防通道被堵死了，出事了消防车都进不来。",
        "{place}有人半夜聚集喝酒闹事。",
        "{place}的灭火器都过期了，没人更换。",
    ],
    "land": [
        "{place}有人在农田上挖塘，破坏耕地。",
        "{place}的空地被人私自圈起来堆放建材。",
        "想咨询一下{village}的宅基地翻建需要办什么手续。",
    ],
    "agriculture": [
        "{place}的农田灌溉渠堵了，秧苗快干死了。",
        "{place}有人往农田里倒建筑垃圾。",
        "{village}的农机补贴迟迟没发下来。",
        "{place}有养殖户乱扔死猪，怕有疫情。",
    ],
    "civil": [
        "{place}有位独居老人没人照顾，希望村里关心一下。",
        "想问一下{village}的低保怎么申请，家里老人生病了。",
        "{place}的老年助餐点饭菜太少，价格还涨了。",
        "{village}的残疾人补贴这个季度没有到账。",
    ],
    "govservice": [
        "想咨询小牛办办理营业执照需要带哪些材料？",
        "在{place}开个小饭店，要办哪些证？",
        "小牛办周末能不能办业务？上班时间没空去。",
        "我要开服装店，听说有“一件事”套餐，怎么办理？",
        "医保转移接续在哪里办？{village}的便民服务站能办吗？",
    ],
    "village": [
        "{village}的村务公开栏好久没更新了，财务情况看不到。",
        "{place}的健身器材坏了，村里没人来修。",
        "{village}的集体分红什么时候发？村民都在问。",
        "{place}的村道两边杂草很高，很久没人打理。",
    ],
    "other": [
        "{place}的流浪狗越来越多，晚上追着人叫。",
        "建议在{place}增设一个公共厕所。",
        "我们是{place}附近的企业，想了解智改数转的补贴政策，找谁咨询？",
        "{place}附近有人放养的鸡鸭到处跑，影响环境。",
    ],
}
# Requests a desk answers on the phone (直接答复) rather than dispatching: consultations.
CONSULTATIONS = {"govservice", "education", "civil", "land", "labour"}

OPENERS = ["", "", "", "你好，", "您好，我想反映个问题：", "我是附近居民，", "麻烦你们管一下，", "反映一下，"]
CLOSERS = [
    "",
    "",
    "",
    "希望尽快处理。",
    "请相关部门尽快处理，谢谢！",
    "之前反映过一次，到现在还没解决。",
    "附近居民意见很大。",
    "请尽快派人来看看。",
]
QUESTION_CLOSERS = ["", "", "谢谢！", "麻烦回个电话。"]

# Replies of the handling unit, by the category's first-level code. {unit} the unit's name.
REPLIES: dict[str, list[str]] = {
    "municipal": [
        "（示例）经现场查看，已安排维修队伍修复，设施恢复正常，已电话告知诉求人。",
        "（示例）已联系养护单位更换损坏部件，并对周边同类设施进行了排查。",
    ],
    "appearance": [
        "（示例）已组织人员现场清理整治，并约谈责任人，今后纳入日常巡查。",
        "（示例）经{unit}现场核实，问题属实，已责令整改完毕，感谢您的监督。",
    ],
    "ecology": [
        "（示例）已会同相关部门现场检查，责令相关单位立即整改，并将加强夜间巡查。",
        "（示例）经现场核查，已督促当事人停止违规行为，后续将跟踪复查。",
    ],
    "water": [
        "（示例）经排查系管网检修所致，现已恢复正常供水，今后停水将提前通知。",
        "（示例）已安排维修人员抢修管道，水质检测合格，已告知诉求人。",
    ],
    "power": [
        "（示例）供电所已派员检修线路，电压恢复正常，已向诉求人说明原因。",
        "（示例）已对低垂线路进行整改加固，消除安全隐患。",
    ],
    "telecom": [
        "（示例）运营商已派维护人员到场整理线缆、排除故障，网络恢复正常。",
    ],
    "market": [
        "（示例）市场监管人员已到店检查，对违规商户依法处理，已督促退赔。",
    ],
    "traffic": [
        "（示例）已协调交通、交警部门现场查看，已调整设置并加强高峰时段疏导。",
    ],
    "housing": [
        "（示例）已约谈物业公司，责令限期维修，社区将跟踪落实情况。",
        "（示例）经{unit}协调，物业已完成维修，已电话告知诉求人。",
    ],
    "labour": [
        "（示例）劳动保障所已介入调查，督促企业支付拖欠款项，并告知诉求人维权途径。",
    ],
    "health": [
        "（示例）卫生院已现场检查并整改，已向诉求人反馈处理情况。",
    ],
    "education": [
        "（示例）已电话告知诉求人入学报名的时间、材料和办理地点。",
    ],
    "security": [
        "（示例）派出所已加强该区域巡逻，并对消防通道占用情况进行了清理。",
    ],
    "land": [
        "（示例）已现场核查，责令当事人停止违法行为并恢复原状。",
    ],
    "agriculture": [
        "（示例）已组织人员疏通渠道、清理垃圾，农业农村办将持续跟踪。",
    ],
    "civil": [
        "（示例）村（社区）已上门走访，按政策为其办理相关救助并安排结对帮扶。",
    ],
    "govservice": [
        "（示例）已告知诉求人所需材料及办理地点（牛塘镇便民服务中心“小牛办”窗口），也可预约“小牛帮办”。",
    ],
    "village": [
        "（示例）村委已召开会议研究，问题已整改，相关情况已在村务公开栏公示。",
    ],
    "other": [
        "（示例）已转交相关部门处理，并向诉求人反馈处理结果。",
    ],
}
REWORK_REPLIES = [
    "（示例）重办：再次到现场处理，已彻底整改，并当面向诉求人说明情况。",
    "（示例）重办：会同相关部门再次核查处理，诉求人反映的问题已解决。",
]
DESK_ANSWERS = [
    "（示例）已电话告知诉求人办理所需材料和办理地点，诉求人表示清楚。",
    "（示例）已按政策解答诉求人的咨询，并告知可到便民服务中心进一步办理。",
]
REJECT_NOTES = [
    "（示例）诉求人反映的地点不在本镇辖区，已告知向所属镇（街道）反映。",
    "（示例）诉求内容重复，已在先前工单中办理。",
]
RETURN_NOTES = "（示例）经核实，该事项不属本单位职责，请改派{unit}。"
KEEP_NOTES = "（示例）经审定，该事项属本单位职责范围，维持原派。"
EXTEND_NOTES = [
    "（示例）需协调相关单位现场会商，申请延期。",
    "（示例）涉及多个部门联合整治，需延长办理时间。",
    "（示例）所需材料需要采购，申请延期。",
]
DENY_NOTES = "（示例）该事项不复杂，请按原时限办结。"
SUPERVISE_NOTES = "（示例）群众多次反映，请抓紧办理并按时答复。"
HANDLER_NOTES = ["（示例）已电话联系诉求人，约定到现场查看。", "（示例）已到现场初步核实，正在协调处理。"]
CALLBACK_NOTES = {
    "satisfied": ["", "（示例）电话回访，诉求人对处理结果满意。"],
    "basic": ["", "（示例）电话回访，诉求人表示基本满意。"],
    "unsatisfied": ["（示例）电话回访，诉求人表示问题没有解决。", "（示例）诉求人对答复不认可。"],
}

SURNAMES = "王张李陈刘周吴徐孙朱马胡郭何高林罗郑梁谢钱沈蒋丁汤许杨蔡"
ADDRESS_TERMS = ["先生", "女士", "师傅", "阿姨"]


def reporter_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(ADDRESS_TERMS)


def complaint(rng: random.Random, code: str, place: str, village: str) -> str:
    """One citizen's request of the category at the place, in the citizen's words."""
    template = rng.choice(COMPLAINTS[code])
    text = template.format(
        place=place,
        village=village,
        n=rng.randint(2, 9),
        late=rng.choice(["十", "十一", "十二"]),
        minutes=rng.choice([25, 30, 40, 50]),
    )
    if "？" in text:
        return text + rng.choice(QUESTION_CLOSERS)
    return rng.choice(OPENERS) + text + rng.choice(CLOSERS)


def reply(rng: random.Random, code: str, unit_name: str) -> str:
    root = code.split(".", 1)[0]
    return rng.choice(REPLIES.get(root) or REPLIES["other"]).format(unit=unit_name)
