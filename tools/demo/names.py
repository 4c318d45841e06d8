"""The words the demo district is made of: streets, communities, people, providers, courses, employers."""

STREETS = (
    ("ZS", "中山街道"),
    ("RM", "人民路街道"),
    ("QN", "青泥洼桥街道"),
    ("TY", "桃源街道"),
    ("HJ", "海军广场街道"),
    ("KY", "葵英街道"),
)
COMMUNITIES = (
    "东风",
    "春柳",
    "长春",
    "友好",
    "民主",
    "桂林",
    "新华",
    "秀月",
    "昆明",
    "联合",
    "鲁迅",
    "青云",
    "五一",
    "解放",
    "南山",
    "北京街",
    "天津街",
    "明泽",
    "胜利",
    "望海",
    "锦华",
    "华乐",
    "园林",
    "枫林",
)
"""Community names (with 社区 appended); each street gets its share in order."""
CENTRE = (38.914, 121.614)
"""Latitude and longitude the communities are spread around."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN_FEMALE = (
    "秀兰",
    "桂英",
    "秀英",
    "玉兰",
    "凤英",
    "丽娟",
    "淑珍",
    "海燕",
    "丽华",
    "红梅",
    "春梅",
    "艳",
    "静",
    "敏",
    "霞",
    "娟",
    "雪梅",
    "晓红",
)
GIVEN_MALE = (
    "建国",
    "建华",
    "志强",
    "国庆",
    "德明",
    "卫东",
    "海涛",
    "立新",
    "永刚",
    "志刚",
    "军",
    "伟",
    "勇",
    "涛",
    "强",
    "斌",
    "长江",
    "洪亮",
)

PROVIDERS = (
    ("中山区职业技术学校", "vocational_school", "中山路 18 号"),
    ("大连市第二职业培训中心", "vocational_school", "人民路 56 号"),
    ("桃源社区学校", "community_school", "桃源街 9 号"),
    ("海军广场职工俱乐部", "workers_club", "海军广场 3 号"),
    ("滨海家政服务培训学校", "other", "滨海路 120 号"),
    ("青泥洼桥技能培训学校", "vocational_school", "青泥洼桥 77 号"),
    ("葵英社区学校", "community_school", "葵英街 12 号"),
)
TEACHERS = ("陈老师", "刘老师", "孙老师", "周老师", "郑老师", "韩老师", "曹老师")

COURSES = (
    ("COOK-CN-4", "中式烹调师四级", "cooking", 120, "中式烹调师四级证书", 800, ("刀工", "热菜烹制")),
    ("HOUSE-3", "家政服务员三级", "housekeeping", 80, "家政服务员证书", 500, ("居家保洁", "衣物护理")),
    ("CARE-ELD-4", "养老护理员四级", "elderly_care", 100, "养老护理员证书", 600, ("生活照料", "基础护理")),
    ("PC-OFFICE", "计算机办公应用", "computer", 60, "计算机操作员证书", 400, ("文字处理", "电子表格")),
    ("HAIR-5", "美发师五级", "hairdressing_beauty", 90, "美发师证书", 700, ("剪发", "染烫")),
    ("APPL-REP", "家用电器维修", "appliance_repair", 100, "家电维修工证书", 650, ("空调维修", "洗衣机维修")),
    ("SEC-5", "保安员五级", "security", 40, "保安员证书", 300, ("巡逻", "消防器材")),
    ("LOGI-BASIC", "快递物流操作", "logistics", 40, "物流员证书", 300, ("分拣", "配送")),
)
"""Code, title, occupation area, hours, certificate, cost per trainee (yuan), skills taught."""

EMPLOYER_NAMES = (
    "东风食堂餐饮有限公司",
    "海港物流有限公司",
    "中山区社区服务中心",
    "金桥家政服务有限公司",
    "福寿养老院",
    "新世纪超市有限公司",
    "华润物业管理有限公司",
    "大连宏达纺织有限公司",
    "星海保安服务有限公司",
    "顺达快递有限公司",
    "春天美发店",
    "海鲜大酒楼有限公司",
    "安居装饰工程有限公司",
    "阳光电器维修部",
    "万家福便利店",
    "人民路街道公益岗位管理站",
    "恒通机械制造有限公司",
    "绿洲保洁服务有限公司",
    "老街坊饺子馆",
    "康乐护理服务有限公司",
)
"""Names of employers; more employers than names get a branch number ("二分店")."""
PUBLIC_INSTITUTIONS = frozenset({"中山区社区服务中心", "人民路街道公益岗位管理站"})
"""The employers offering public-welfare posts."""
INDIVIDUAL_BUSINESSES = frozenset({"春天美发店", "阳光电器维修部", "万家福便利店", "老街坊饺子馆"})

VACANCY_TITLES = {
    "cooking": "厨师",
    "housekeeping": "家政服务员",
    "elderly_care": "护理员",
    "computer": "文员",
    "hairdressing_beauty": "美发师",
    "appliance_repair": "维修工",
    "security": "保安员",
    "logistics": "分拣员",
    "cleaning": "保洁员",
    "retail": "理货员",
    "manufacturing": "操作工",
    "garment_and_weaving": "缝纫工",
}
BUSINESS_IDEAS = (
    ("restaurant", "家常菜馆", "社区家常菜馆 主营早餐和盒饭"),
    ("salon", "社区理发店", "面向社区老人的平价理发"),
    ("cleaning_team", "保洁服务队", "承接小区和写字楼的日常保洁"),
    ("repair_shop", "便民维修铺", "家电和自行车维修"),
    ("retail_stall", "便民水果摊", "早市水果和蔬菜零售"),
    ("care_home", "社区托老站", "日间照料社区老人"),
)
