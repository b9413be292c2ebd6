"""A script written for Huawei's old ModelArts SDK: create a job, wait, derive a version, poll.

It uses only the old SDK's names (imports, Estimator keywords, the dict fields
of ``get_job_info()``, ``JOB_STATE``), so it runs unchanged on this SDK::

    python -m modelarts.testing --version-seconds 1 > fake.env &   # a fake ModelArts
    . ./fake.env && python tests/data/old_sdk_fit_and_poll.py

    MODELARTS_FIXTURE=run.json python tests/data/old_sdk_fit_and_poll.py   # records (then replays)
"""

import time

from modelarts.estimator import JOB_STATE, Estimator
from modelarts.session import Session

FINAL = ("JOBSTAT_COMPLETED", "JOBSTAT_FAILED", "JOBSTAT_KILLED", "JOBSTAT_CANCELED",
         "JOBSTAT_LOST", "JOBSTAT_IMAGE_FAILED", "JOBSTAT_SUBMIT_FAILED")  # fmt: skip

session = Session()
print("flavors:", ", ".join(Estimator.get_train_instance_types(session)[:3]))
estimator = Estimator(
    modelarts_session=session,
    framework_type="PyTorch",
    framework_version="PyTorch-1.4.0-python3.6",
    code_dir="/modelarts-demo/mnist/code/",
    boot_file="/modelarts-demo/mnist/code/train.py",
    log_url="/modelarts-demo/mnist/log/",
    hyperparameters=[{"label": "lr", "value": "0.01"}, {"label": "epochs", "value": "5"}],
    output_path="/modelarts-demo/mnist/output/",
    train_instance_type="modelarts.vm.cpu.8u",
    train_instance_count=1,
    job_description="mnist, from an old-SDK script",
)
job_instance = estimator.fit(
    inputs="/modelarts-demo/mnist/data/", wait=True, job_name="mnist-old-sdk"
)
info = job_instance.get_job_info()
print("first version:", info["version_name"], JOB_STATE[info["status"]])

estimator.hyperparameters = [{"label": "lr", "value": "0.001"}, {"label": "epochs", "value": "5"}]
version = estimator.create_job_version(
    job_id=job_instance.job_id,
    pre_version_id=job_instance.version_id,
    inputs="/modelarts-demo/mnist/data/",
    wait=False,
    job_desc="lower learning rate",
)
while True:
    info = version.get_job_info()
    state = JOB_STATE[info["status"]]
    if state in FINAL:
        break
    time.sleep(0.5)
print("second version:", info["version_name"], state, "duration", info["duration"])
log_file = version.get_job_log_file_list()["log_file_list"][0]
print("log:", version.get_job_log(log_file=log_file, lines=3)["lines"], "lines")
